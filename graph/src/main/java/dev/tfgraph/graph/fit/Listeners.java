package dev.tfgraph.graph.fit;

import dev.tfgraph.graph.TrainOptions;
import java.util.ArrayList;
import java.util.List;

/** The listeners of a run, in the order the loop calls them. */
public final class Listeners {
  private Listeners() {}

  /**
   * The NaN check; the options' learning-rate schedule; the user's listeners
   * ({@code TrainOptions.listeners}); progress (with {@code progress}); TensorBoard (with
   * {@code logDir}); early stopping's monitor (with a validation split); checkpoints (with
   * {@code checkpointDir}); the history file (with {@code history}), after the epoch's checkpoint.
   */
  public static List<TrainingListener> of(TrainOptions o) {
    List<TrainingListener> all = new ArrayList<>();
    all.add(new TerminateOnNaN());
    all.add(new LearningRateScheduler(Schedules.of(o)));
    all.addAll(o.listeners);
    if (o.progress) all.add(new ProgressLogger());
    if (o.logDir != null) all.add(new TensorBoard(o.logDir));
    if (o.validationSplit > 0) all.add(new EarlyStopping(o.patience));
    if (o.checkpointDir != null) all.add(new ModelCheckpoint(o.checkpointDir));
    if (o.history != null) all.add(new HistoryFile(o.history));
    return all;
  }
}
