package dev.tfgraph.cli.output;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the library's messages print on the command line. The library never prints: it reports a
 * skipped checkpoint, a TensorBoard log that stopped, or a cluster it waits for through the JDK's
 * {@code System.Logger} (named after its classes, under {@code dev.tfgraph}), which is backed by
 * java.util.logging. The command line prints each of those records as one line on standard error,
 * {@code tfgraph: <message>}, at the moment it is logged (to the current {@code System.err}, so a
 * caller that redirects it sees them).
 */
public final class LibraryLog {
  /** Held here: java.util.logging keeps its loggers weakly, and would drop this configuration. */
  private static final Logger ROOT = Logger.getLogger("dev.tfgraph");

  private LibraryLog() {}

  /** Sends the library's records (INFO and above) to standard error; once per process, later calls change nothing. */
  public static synchronized void toStderr() {
    for (Handler h : ROOT.getHandlers()) {
      if (h instanceof Stderr) return;
    }
    ROOT.setUseParentHandlers(false);
    ROOT.setLevel(Level.INFO);
    ROOT.addHandler(new Stderr());
  }

  private static final class Stderr extends Handler {
    Stderr() {
      setLevel(Level.INFO);
    }

    @Override
    public void publish(LogRecord r) {
      if (r == null || !isLoggable(r)) return;
      Object[] p = r.getParameters();
      String message = p == null || p.length == 0 ? r.getMessage() : new java.text.MessageFormat(r.getMessage(), java.util.Locale.ROOT).format(p);
      System.err.println("tfgraph: " + message);
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      // standard error stays open
    }
  }
}
