package dev.tfgraph.graph;

import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a training run shows while it runs: a progress bar per epoch and a summary line on stderr
 * (with {@code progress}), and TensorBoard scalars and weight histograms (with {@code logDir}).
 * It keeps the epoch's running means.
 */
final class FitMonitor implements AutoCloseable {
  private final TrainOptions opt;
  private final int steps;
  private final EventLog log;
  private ProgressBar pb;
  private long epochStart;
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
    pb = opt.progress ? new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + opt.epochs)
        .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build() : null;
  }

  /** After global step {@code step} (1-based) of {@code n} examples gave {loss, accuracy}. */
  void step(long step, int n, double[] lossAcc, double lr) {
    sumLoss += lossAcc[0] * n;
    sumAcc += lossAcc[1] * n;
    seen += n;
    if (log != null) {
      log.scalar("train/loss", step, lossAcc[0]);
      log.scalar("train/accuracy", step, lossAcc[1]);
      log.scalar("train/learning_rate", step, lr);
    }
    if (pb != null) {
      pb.step();
      double secs = (System.nanoTime() - epochStart) / 1e9;
      pb.setExtraMessage(String.format(" loss %.4f acc %.4f %.0f ex/s", meanLoss(), meanAccuracy(), seen / secs));
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
      System.err.printf("epoch %d/%d: loss %.4f acc %.4f%s (%.1f s)%n", epoch + 1, opt.epochs, meanLoss(), meanAccuracy(),
          val == null ? "" : String.format(" %s_loss %.4f %s_acc %.4f", split, val.loss(), split, val.accuracy()), secs);
    }
    if (log != null) {
      if (val != null) {
        log.scalar(split + "/loss", step, val.loss());
        log.scalar(split + "/accuracy", step, val.accuracy());
      }
      for (WeightSpec w : weights) {
        if (w.trainable()) log.histogram(w.key(), step, weight.apply(w));
      }
      log.flush();
    }
    return new TrainResult.Epoch(epoch + 1, meanLoss(), meanAccuracy(), val == null ? Double.NaN : val.loss(),
        val == null ? Double.NaN : val.accuracy(), lr, secs);
  }

  private void closeBar() {
    if (pb != null) pb.close();
    pb = null;
  }

  @Override
  public void close() {
    closeBar();
    if (log != null) log.close();
  }
}
