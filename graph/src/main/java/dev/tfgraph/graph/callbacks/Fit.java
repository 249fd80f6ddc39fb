package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.io.NpyArray;
import java.util.List;
import java.util.Map;

/** A training run as its listeners see it and steer it. */
public interface Fit {
  /** @return the model being trained */
  Model model();

  /**
   * The number of epochs the run is set to reach (counted from the first, across resumes).
   * @return the number, at least 1
   */
  int epochs();

  /** @return the training steps (batches) of one epoch */
  int stepsPerEpoch();

  /**
   * The run's metric names, in order (the keys of the logs' metric maps).
   * @return the names
   */
  List<String> metricNames();

  /**
   * "val" with a validation split, "test" when the test set is reported each epoch, null without held-out
   * data.
   * @return "val", "test" or null
   */
  String heldOut();

  /**
   * The learning rate of the next step; a schedule sets it in {@link TrainingListener#onBatchStart}.
   * @return the rate
   */
  double learningRate();

  /**
   * Sets the learning rate of the next step (what a schedule does).
   * @param lr the rate, finite and &ge; 0
   */
  void setLearningRate(double lr);

  /**
   * The current epoch's running means over its batches so far: the loss, and each metric by name.
   * @return the mean loss, NaN before the epoch's first batch
   */
  double meanLoss();

  /** @return each metric's running mean this epoch, by name */
  Map<String, Double> meanMetrics();

  /**
   * Asks the loop to stop after the current batch (or, from onEpochEnd, before the next epoch).
   * @param reason why, e.g. "early_stopping"; {@link #stopReason()} reports it
   */
  void stop(String reason);

  /**
   * Why the run stopped or is stopping, or null while it goes on.
   * @return the reason, or null
   */
  String stopReason();

  /**
   * The loop state a checkpoint records: epochs completed and the global step, as resumed or as last set.
   * @return the state
   */
  Checkpoints.State state();

  /**
   * The states of the run's {@link Stateful} listeners now, by key (what a checkpoint records of them).
   * @return the states by {@link Stateful#stateKey()}; none by default
   */
  default Map<String, com.fasterxml.jackson.databind.JsonNode> listenerStates() {
    return Map.of();
  }

  /**
   * True when the run resumed from a checkpoint.
   * @return whether it resumed
   */
  boolean resumed();

  /**
   * The run's epochs so far, as Keras' History: those the checkpoint it resumed from recorded,
   * then those trained now (the current one once its {@code onEpochEnd} is called).
   * @return the epochs, in order; none by default
   */
  default List<Epoch> history() {
    return List.of();
  }

  /**
   * Every variable of the run (weights and optimizer slots), as a checkpoint holds them.
   * @return the variables by name, in the model's dtype
   */
  Map<String, NpyArray> variables();

  /**
   * One weight's current values (as float32).
   * @param key the weight's key, {@code <layer>.<weight>}
   * @return its values, row-major
   */
  float[] weight(String key);
}
