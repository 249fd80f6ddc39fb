package dev.tfgraph.graph;

import java.util.function.Function;

/**
 * What a training run shows while it runs: progress and a summary line per epoch on stderr (with
 * {@code progress}), and TensorBoard scalars and weight histograms (with {@code logDir}). It keeps
 * the epoch's running means. Progress is written by the training thread itself (no thread of its
 * own that could outlive the run): on a terminal one line redrawn at most twice a second, else,
 * as Keras' verbose=2, plain lines: one per epoch, and within a long epoch one every 30 s.
 */
final class FitMonitor implements AutoCloseable {
  private final TrainOptions opt;
  private final int steps;
  private EventLog log;
  /** Set by the launcher when stderr is a terminal: redraw one line instead of printing lines. */
  static final boolean TERMINAL = "terminal".equals(System.getProperty("tfgraph.progress"));
  private static final long REDRAW_NANOS = TERMINAL ? 500_000_000L : 30_000_000_000L;
  private long epochStart, lastShown;
  private int epoch;
  private boolean drawn;
  private double sumLoss, sumAcc;
  private int seen;

  FitMonitor(TrainOptions opt, int steps) {
    this.opt = opt;
    this.steps = steps;
    this.log = opt.logDir == null ? null : new EventLog(opt.logDir);
  }

  void startEpoch(int epoch) {
    epochStart = System.nanoTime();
    sumLoss = sumAcc = 0;
    seen = 0;
    this.epoch = epoch;
    lastShown = epochStart;
  }

  /** After global step {@code step} (1-based) of {@code n} examples gave {loss, accuracy}. */
  void step(long step, int n, double[] lossAcc, double lr) {
    sumLoss += lossAcc[0] * n;
    sumAcc += lossAcc[1] * n;
    seen += n;
    if (log != null) {
      logging(() -> {
        log.scalar("train/loss", step, lossAcc[0]);
        log.scalar("train/" + metric(), step, lossAcc[1]);
        log.scalar("train/learning_rate", step, lr);
      });
    }
    long now = System.nanoTime();
    if (opt.progress && now - lastShown >= REDRAW_NANOS) {
      lastShown = now;
      long inEpoch = (step - 1) % Math.max(steps, 1) + 1;
      String line = String.format("epoch %d/%d: step %d/%d loss %.4f acc %.4f %.0f ex/s", epoch + 1, opt.epochs, inEpoch,
          steps, meanLoss(), meanAccuracy(), seen / ((now - epochStart) / 1e9));
      System.err.print(TERMINAL ? "\r" + line + "\u001b[K" : line + System.lineSeparator());
      drawn = TERMINAL;
    }
  }

  double meanLoss() {
    return sumLoss / Math.max(seen, 1);
  }

  double meanAccuracy() {
    return sumAcc / Math.max(seen, 1);
  }

  /** Ends the epoch: closes the bar, prints the summary, logs validation and weight histograms. */
  TrainResult.Epoch endEpoch(int epoch, long step, TrainResult.Metrics val, double lr, Function<WeightSpec, float[]> weight,
      Iterable<WeightSpec> weights) {
    closeBar();
    double secs = (System.nanoTime() - epochStart) / 1e9;
    String split = opt.validationSplit > 0 ? "val" : "test";
    if (opt.progress) {
      String m = metric().equals("accuracy") ? "acc" : metric();
      System.err.printf("epoch %d/%d: loss %.4f %s %.4f%s (%.1f s)%n", epoch + 1, opt.epochs, meanLoss(), m, meanAccuracy(),
          val == null ? "" : String.format(" %s_loss %.4f %s_%s %.4f", split, val.loss(), split, m, val.accuracy()), secs);
    }
    if (log != null) {
      logging(() -> {
        if (val != null) {
          log.scalar(split + "/loss", step, val.loss());
          log.scalar(split + "/" + metric(), step, val.accuracy());
        }
        for (WeightSpec w : weights) {
          if (w.trainable()) log.histogram(w.key(), step, weight.apply(w));
        }
        log.flush();
      });
    }
    return new TrainResult.Epoch(epoch + 1, meanLoss(), meanAccuracy(), val == null ? Double.NaN : val.loss(),
        val == null ? Double.NaN : val.accuracy(), lr, secs);
  }

  private void closeBar() {
    if (drawn) System.err.print("\r\u001b[K");
    drawn = false;
  }

  /**
   * TensorBoard logs are optional output: a write that fails (disk full, folder removed) stops the
   * logging with one line on stderr, and training and its results go on.
   */
  private void logging(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      System.err.println("tfgraph: TensorBoard logging to " + opt.logDir + " stopped (" + firstLine(e)
          + "); training goes on");
      EventLog failed = log;
      log = null;
      try {
        failed.close();
      } catch (RuntimeException ignored) {
        // the writer is already broken
      }
    }
  }

  @Override
  public void close() {
    closeBar();
    if (log == null) return;
    try {
      log.close();
    } catch (RuntimeException e) {
      System.err.println("tfgraph: TensorBoard logs in " + opt.logDir + " may be incomplete (" + firstLine(e) + ")");
    }
  }

  private static String firstLine(RuntimeException e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /** The run's metric: accuracy for classification, mse for regression. */
  private String metric() {
    return opt.loss.classification() ? "accuracy" : "mse";
  }
}
