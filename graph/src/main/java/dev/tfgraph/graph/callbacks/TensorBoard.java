package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.io.EventLog;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.WeightSpec;
import java.nio.file.Path;

/**
 * TensorBoard event files: loss, metrics and learning rate per step under train/, held-out loss and
 * metrics and trainable weights' histograms per epoch. The logs are optional output: a write that
 * fails (disk full, folder removed) stops the logging with a warning (to the System.Logger named after
 * this class), and training goes on.
 */
public final class TensorBoard implements TrainingListener {
  private static final System.Logger LOG = System.getLogger(TensorBoard.class.getName());
  private final Path dir;
  private EventLog log;

  /** @param dir the log folder TensorBoard is pointed at (created when the run starts) */
  public TensorBoard(Path dir) {
    this.dir = dir;
  }

  @Override
  public void onFitStart(Fit fit) {
    log = new EventLog(dir);
  }

  @Override
  public void onBatchEnd(Fit fit, BatchLogs b) {
    logging(() -> {
      log.scalar("train/loss", b.step(), b.loss());
      b.metrics().forEach((k, v) -> log.scalar("train/" + k, b.step(), v));
      log.scalar("train/learning_rate", b.step(), b.learningRate());
    });
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    long step = fit.state().step();
    logging(() -> {
      if (fit.heldOut() != null && !e.val().isEmpty()) {
        log.scalar(fit.heldOut() + "/loss", step, e.valLoss());
        e.val().forEach((k, v) -> log.scalar(fit.heldOut() + "/" + k, step, v));
      }
      for (WeightSpec w : fit.model().weights()) {
        if (w.trainable()) log.histogram(w.key(), step, fit.weight(w.key()));
      }
      log.flush();
    });
  }

  private void logging(Runnable write) {
    if (log == null) return;
    try {
      write.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "TensorBoard logging to " + dir + " stopped (" + firstLine(e) + "); training goes on");
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
  public void onFitEnd(Fit fit, Throwable failure) {
    if (log == null) return;
    try {
      log.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "TensorBoard logs in " + dir + " may be incomplete (" + firstLine(e) + ")");
    }
    log = null;
  }

  private static String firstLine(RuntimeException e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }
}
