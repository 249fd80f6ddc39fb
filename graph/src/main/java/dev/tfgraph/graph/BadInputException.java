package dev.tfgraph.graph;

/**
 * Bad usage or bad input: a spec, a weights file, an array or an option that does not fit.
 * The command line reports its message on one line and exits with status 2.
 */
public class BadInputException extends IllegalArgumentException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
