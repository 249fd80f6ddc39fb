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
  /**
   * Before the first epoch (after a resumed run's listener states are restored).
   * @param fit the run
   */
  default void onFitStart(Fit fit) {}

  /**
   * Before an epoch's first batch.
   * @param fit the run
   * @param epoch the epoch, 0-based
   */
  default void onEpochStart(Fit fit, int epoch) {}

  /**
   * Before the step of {@code batch} (0-based in the epoch) at global step {@code step} (0-based).
   * @param fit the run
   * @param batch the batch, 0-based in the epoch
   * @param step the global step, 0-based
   */
  default void onBatchStart(Fit fit, int batch, long step) {}

  /**
   * After a training step.
   * @param fit the run
   * @param logs the step's loss, metrics, learning rate and examples
   */
  default void onBatchEnd(Fit fit, BatchLogs logs) {}

  /**
   * After an epoch's training and validation; {@code logs.epoch()} is 1-based.
   * @param fit the run
   * @param logs the epoch's means and held-out results
   */
  default void onEpochEnd(Fit fit, Epoch logs) {}

  /**
   * At the end of the run, also when it failed ({@code failure} not null): release what the listener holds.
   * @param fit the run
   * @param failure what ended the run, or null when it ended normally
   */
  default void onFitEnd(Fit fit, Throwable failure) {}
}
