package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.io.NpyArray;
import java.util.List;
import java.util.Map;

/** A training run as its listeners see it and steer it. */
public interface Fit {
  Model model();

  /** The number of epochs the run is set to reach (counted from the first, across resumes). */
  int epochs();

  int stepsPerEpoch();

  /** The run's metric names, in order (the keys of the logs' metric maps). */
  List<String> metricNames();

  /** "val" with a validation split, "test" when the test set is reported each epoch, null without held-out data. */
  String heldOut();

  /** The learning rate of the next step; a schedule sets it in {@link TrainingListener#onBatchStart}. */
  double learningRate();

  void setLearningRate(double lr);

  /** The current epoch's running means over its batches so far: the loss, and each metric by name. */
  double meanLoss();

  Map<String, Double> meanMetrics();

  /** Asks the loop to stop after the current batch (or, from onEpochEnd, before the next epoch). */
  void stop(String reason);

  /** Why the run stopped or is stopping, or null while it goes on. */
  String stopReason();

  /** The loop state a checkpoint records: epochs completed and the global step, as resumed or as last set. */
  Checkpoints.State state();

  /** The states of the run's {@link Stateful} listeners now, by key (what a checkpoint records of them). */
  default Map<String, com.fasterxml.jackson.databind.JsonNode> listenerStates() {
    return Map.of();
  }

  /** True when the run resumed from a checkpoint. */
  boolean resumed();

  /**
   * The run's epochs so far, as Keras' History: those the checkpoint it resumed from recorded,
   * then those trained now (the current one once its {@code onEpochEnd} is called).
   */
  default List<Epoch> history() {
    return List.of();
  }

  /** Every variable of the run (weights and optimizer slots), as a checkpoint holds them. */
  Map<String, NpyArray> variables();

  /** One weight's current values (as float32). */
  float[] weight(String key);
}
