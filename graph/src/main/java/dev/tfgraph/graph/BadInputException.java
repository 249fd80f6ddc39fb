package dev.tfgraph.graph;

/**
 * Bad usage or bad input: a spec, a weights file, an array or an option that does not fit.
 * The command line reports its message on one line and exits with status 2.
 */
public class BadInputException extends IllegalArgumentException {
  /** @param message one line: what was wrong, what was expected and what was received */
  public BadInputException(String message) {
    super(message);
  }

  /**
   * @param message one line: what was wrong, what was expected and what was received
   * @param cause the exception that revealed it
   */
  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
