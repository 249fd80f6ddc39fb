package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.train.TrainResult;
import java.nio.file.Path;

/**
 * A checkpoint of every variable, the loop state ({@link Fit#state()}) and the states of the run's
 * {@link Stateful} listeners after each completed epoch, written atomically by {@link Checkpoints#save},
 * with the run's epochs and history so far;
 * an epoch cut short (max_steps, a listener that stopped mid-epoch) is not recorded as done. It
 * runs after {@link EarlyStopping}, whose state the checkpoint keeps so that a resumed run stops
 * where an uninterrupted one would. The first checkpoint of a run that did not resume replaces the
 * folder's old checkpoints (which {@code TrainOptions.Builder.build} allowed only with
 * overwrite_checkpoints).
 */
public final class ModelCheckpoint implements TrainingListener {
  private final Path dir;
  private boolean saved;

  /** @param dir the checkpoint folder (created if absent) */
  public ModelCheckpoint(Path dir) {
    this.dir = dir;
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    if (fit.state().epoch() != e.epoch()) return;
    Checkpoints.save(dir, fit.state(), fit.variables(),
        new Checkpoints.Run(fit.epochs(), fit.history(), fit.heldOut(), !fit.resumed() && !saved,
            fit.listenerStates()));
    saved = true;
  }
}
