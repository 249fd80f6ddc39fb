package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.train.Listeners;
import dev.tfgraph.graph.train.TrainResult;

/**
 * Hooks into a training run, as Keras' callbacks and DJL's {@code TrainingListener}s: the loop
 * calls every listener of the run, in order, at the start and end of the fit, of each epoch and of
 * each batch. A listener reads the run through {@link Fit} (logs, weights, learning rate) and may
 * stop it ({@link Fit#stop}); one that throws ends the run with its exception. Progress output,
 * TensorBoard, checkpoints, early stopping, the learning-rate schedule and the NaN check are
 * listeners themselves ({@link Listeners#of}); a user's own are added with
 * {@code Trainer.builder(model, options).listeners(...)} and run after the NaN check and the schedule, before the built-in
 * output (so a listener that stops the run at an epoch's end still has that epoch checkpointed).
 */
public interface TrainingListener {
  default void onFitStart(Fit fit) {}

  default void onEpochStart(Fit fit, int epoch) {}

  /** Before the step of {@code batch} (0-based in the epoch) at global step {@code step} (0-based). */
  default void onBatchStart(Fit fit, int batch, long step) {}

  default void onBatchEnd(Fit fit, BatchLogs logs) {}

  /** After an epoch's training and validation; {@code logs.epoch()} is 1-based. */
  default void onEpochEnd(Fit fit, Epoch logs) {}

  /** At the end of the run, also when it failed ({@code failure} not null): release what the listener holds. */
  default void onFitEnd(Fit fit, Throwable failure) {}
}
