package dev.tfgraph.graph.train;

import dev.tfgraph.graph.callbacks.EarlyStopping;
import dev.tfgraph.graph.callbacks.HistoryFile;
import dev.tfgraph.graph.callbacks.LearningRateScheduler;
import dev.tfgraph.graph.callbacks.ModelCheckpoint;
import dev.tfgraph.graph.callbacks.ProgressLogger;
import dev.tfgraph.graph.callbacks.TensorBoard;
import dev.tfgraph.graph.callbacks.TerminateOnNaN;
import dev.tfgraph.graph.callbacks.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The listeners of a run, in the order the loop calls them. */
public final class Listeners {
  private Listeners() {}

  /**
   * The NaN check; the options' learning-rate schedule; the user's listeners
   * ({@code yours}, given to {@link Trainer.Builder#listeners}); progress (with {@code progress}); TensorBoard (with
   * {@code logDir}); early stopping's monitor (with a validation split); checkpoints (with
   * {@code checkpointDir}); the history file (with {@code history}), after the epoch's checkpoint.
   *
   * @param o the run's settings, which choose the built-in listeners
   * @param yours the user's listeners, called after the NaN check and the schedule, before the other built-ins
   * @return every listener, in call order
   */
  public static List<TrainingListener> of(TrainOptions o, List<TrainingListener> yours) {
    List<TrainingListener> all = new ArrayList<>();
    all.add(new TerminateOnNaN(o.checkpointDir()));
    all.add(new LearningRateScheduler(o.learningRateSchedule()));
    all.addAll(yours);
    if (o.progress()) all.add(new ProgressLogger());
    if (o.logDir() != null) all.add(new TensorBoard(o.logDir()));
    if (o.validationSplit() > 0) all.add(new EarlyStopping(o.patience()));
    if (o.checkpointDir() != null) all.add(new ModelCheckpoint(o.checkpointDir()));
    if (o.history() != null) all.add(new HistoryFile(o.history()));
    return all;
  }

  /** Calls every listener in order; at the end, every one even when one of them fails (the first failure is thrown). */
  record Calls(List<TrainingListener> listeners) {
    void each(Consumer<TrainingListener> call) {
      for (TrainingListener l : listeners) call.accept(l);
    }

    void end(Consumer<TrainingListener> call) {
      RuntimeException first = null;
      for (TrainingListener l : listeners) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          if (first == null) first = e;
        }
      }
      if (first != null) throw first;
    }
  }
}
