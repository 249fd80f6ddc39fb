package dev.tfgraph.graph.fit;

import dev.tfgraph.graph.Checkpoints;
import dev.tfgraph.graph.TrainResult;
import java.nio.file.Path;

/**
 * A checkpoint of every variable and the loop state ({@link Fit#state()}) after each completed
 * epoch, written atomically by {@link Checkpoints#save}; an epoch cut short (max_steps, a listener
 * that stopped mid-epoch) is not recorded as done. It runs after {@link EarlyStopping}, whose
 * counters the checkpoint keeps so that a resumed run stops where an uninterrupted one would.
 */
public final class ModelCheckpoint implements TrainingListener {
  private final Path dir;

  public ModelCheckpoint(Path dir) {
    this.dir = dir;
  }

  @Override
  public void onEpochEnd(Fit fit, TrainResult.Epoch e) {
    if (fit.state().epoch() == e.epoch()) Checkpoints.save(dir, fit.state(), fit.variables());
  }
}
