package dev.tfgraph.graph;

/**
 * A run that failed on the way (non-finite loss, export verification failed, disk full).
 * The command line reports its message and exits with status 3.
 */
public class RunFailedException extends RuntimeException {
  /** @param message one line: what failed and where */
  public RunFailedException(String message) {
    super(message);
  }

  /**
   * @param message one line: what failed and where
   * @param cause the exception that revealed it
   */
  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
