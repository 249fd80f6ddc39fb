package dev.tfgraph.graph;

/**
 * A spec names a layer type that no {@link LayerFactory} on the class path registers: a typo, or a
 * user's own layer whose jar is missing. Bad input (exit status 2 on the command line), told apart so
 * that a launcher can add what it knows of the class path it was given.
 */
public final class UnknownTypeException extends BadInputException {
  /** The type the spec asked for. */
  private final String type;

  /**
   * @param message one line naming the type and where the spec asked for it
   * @param type the type the spec asked for
   */
  public UnknownTypeException(String message, String type) {
    super(message);
    this.type = type;
  }

  /**
   * The type the spec asked for.
   * @return the type
   */
  public String type() {
    return type;
  }
}
