package dev.tfgraph.graph;

/**
 * A run that failed on the way (non-finite loss, export verification failed, disk full).
 * The command line reports its message and exits with status 3.
 */
public class RunFailedException extends RuntimeException {
  public RunFailedException(String message) {
    super(message);
  }

  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
