package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.train.TrainResult;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Progress on stderr: while an epoch runs, on a terminal one line redrawn at most twice a second,
 * else, as Keras' verbose=2, a plain line every 30 s of a long epoch; a summary line per epoch.
 * It writes from the training thread (no thread of its own that could outlive the run).
 */
public final class ProgressLogger implements TrainingListener {
  private int lastEpoch;
  /** Set by the launcher when stderr is a terminal: redraw one line instead of printing lines. */
  static final boolean TERMINAL = "terminal".equals(System.getProperty("tfgraph.progress"));
  /**
   * Where the redrawn line goes: on a terminal, standard error itself (its carriage return and erase-line
   * codes are this class's own, and a command line may filter System.err for control characters).
   */
  private static final PrintStream OUT = TERMINAL ? terminal() : null;
  private static final long REDRAW_NANOS = TERMINAL ? 500_000_000L : 30_000_000_000L;
  private long epochStart, lastShown;
  private long seen;
  private boolean drawn;

  /** The terminal: the file the launcher names (tfgraph.progress.file, its own handle on it), else standard error. */
  private static PrintStream terminal() {
    String file = System.getProperty("tfgraph.progress.file");
    try {
      OutputStream o = file != null ? new FileOutputStream(file, true) : new FileOutputStream(FileDescriptor.err);
      return new PrintStream(o, true, java.nio.charset.Charset.defaultCharset());
    } catch (java.io.IOException e) {
      return new PrintStream(new FileOutputStream(FileDescriptor.err), true, java.nio.charset.Charset.defaultCharset());
    }
  }

  @Override
  public void onEpochStart(Fit fit, int epoch) {
    epochStart = lastShown = System.nanoTime();
    seen = 0;
  }

  @Override
  public void onFitStart(Fit fit) {
    if (fit.resumed()) {
      System.err.println("tfgraph: resumed from the checkpoint of epoch " + fit.state().epoch() + " (step " + fit.state().step() + ")");
    }
  }

  @Override
  public void onBatchEnd(Fit fit, BatchLogs b) {
    seen += b.size();
    long now = System.nanoTime();
    if (now - lastShown < REDRAW_NANOS) return;
    lastShown = now;
    String line = String.format(Locale.ROOT, "epoch %d/%d: step %d/%d loss %.4f%s %.0f ex/s", b.epoch() + 1, fit.epochs(), b.batch() + 1,
        fit.stepsPerEpoch(), fit.meanLoss(), metrics("", fit.meanMetrics()), seen / ((now - epochStart) / 1e9));
    if (TERMINAL) OUT.print("\r" + line + "\u001b[K");
    else System.err.println(line);
    drawn = TERMINAL;
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    closeBar();
    String held = fit.heldOut() == null || e.val().isEmpty() ? ""
        : String.format(Locale.ROOT, " %s_loss %.4f%s", fit.heldOut(), e.valLoss(), metrics(fit.heldOut() + "_", e.val()));
    System.err.printf(Locale.ROOT, "epoch %d/%d: loss %.4f%s%s (%.1f s)%n", e.epoch(), fit.epochs(), e.trainLoss(),
        metrics("", e.train()), held, e.seconds());
    lastEpoch = e.epoch();
  }

  @Override
  public void onFitEnd(Fit fit, Throwable failure) {
    closeBar();
    if (failure == null && lastEpoch > 0 && "early_stopping".equals(fit.stopReason())) {
      com.fasterxml.jackson.databind.JsonNode es = fit.listenerStates().get(EarlyStopping.KEY);
      int bad = es == null ? 0 : es.path("bad_epochs").asInt();
      System.err.println("tfgraph: early stopping after " + lastEpoch + " epochs (no val_loss improvement in " + bad + ")");
    }
  }

  private void closeBar() {
    if (drawn) OUT.print("\r\u001b[K");
    drawn = false;
  }

  /** " acc 0.9123 top_5_accuracy 0.9900": accuracy shortened to acc, as Keras prints it. */
  private static String metrics(String prefix, Map<String, Double> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(' ').append(prefix).append(k.equals("accuracy") ? "acc" : k).append(String.format(Locale.ROOT, " %.4f", v)));
    return b.toString();
  }
}
