package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.train.TrainResult;

/**
 * Ends the run (exit 3 on the command line) at the first non-finite training loss, naming the
 * step and the batch's examples, or a non-finite held-out loss after an epoch; the last good
 * checkpoint stays (it runs before {@link ModelCheckpoint}).
 */
public final class TerminateOnNaN implements TrainingListener {
  private final java.nio.file.Path checkpointDir;

  /**
   * {@code checkpointDir}: where the run keeps checkpoints (named in the message), or null.
   * @param checkpointDir the checkpoint folder, or null when the run keeps none
   */
  public TerminateOnNaN(java.nio.file.Path checkpointDir) {
    this.checkpointDir = checkpointDir;
  }

  @Override
  public void onBatchEnd(Fit fit, BatchLogs b) {
    if (Double.isFinite(b.loss())) return;
    throw new RunFailedException("non-finite loss " + b.loss() + " at epoch " + (b.epoch() + 1) + ", step " + (b.batch() + 1)
        + " of " + fit.stepsPerEpoch() + " (global step " + b.step() + ", batch of examples " + b.firstExample() + ".."
        + (b.firstExample() + b.size() - 1) + " in this epoch's order); " + kept(fit) + "; lower learning_rate or set clip_norm");
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    if (fit.heldOut() == null || Double.isFinite(e.valLoss())) return;
    String split = "val".equals(fit.heldOut()) ? "validation" : "test";
    throw new RunFailedException("non-finite " + split + " loss " + e.valLoss() + " after epoch " + e.epoch()
        + " (the training loss was finite: the " + split + " data drives the model out of float range); " + kept(fit));
  }

  private String kept(Fit fit) {
    var dir = checkpointDir;
    if (dir == null) return "no checkpoint was kept";
    int epoch = fit.state().epoch();
    return epoch == 0 ? "no checkpoint was written yet" : "the last good checkpoint (epoch " + epoch + ") in " + dir
        + " is kept, to continue from (resume)";
  }
}
