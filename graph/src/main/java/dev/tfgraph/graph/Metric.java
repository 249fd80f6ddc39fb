package dev.tfgraph.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A metric reported per epoch for training, validation and test (Keras' {@code compile(metrics=...)}):
 * a per-example value whose mean over a set is the metric. As a {@link Loss}, it is written once,
 * as graph ops: averaged in the training step (so it costs no extra fetch of outputs) and summed
 * over batches in evaluation. Built-ins are in {@code dev.tfgraph.graph.metric}; a user's own
 * metric is registered through {@link LayerFactory#metrics()}.
 */
public interface Metric {
  /** {@return the name in logs and in the JSON summary ("accuracy", "top_5_accuracy", "mse", ...)} */
  String name();

  /**
   * The value of each example, shape [batch], in pred's dtype: {@code pred} holds the model's
   * outputs as it outputs them ({@code activated}: they went through the loss's final activation,
   * softmax or sigmoid; otherwise they are logits or plain outputs), in training as in evaluation;
   * {@code target} is int32 labels [batch] for a sparse loss, else floats of pred's shape.
   *
   * @param <T> the model's float type
   * @param tf the ops to add to
   * @param pred the model's outputs, [batch, ...output shape]
   * @param target int32 labels [batch], or floats of pred's shape
   * @param activated true when {@code pred} went through softmax or sigmoid
   * @return the per-example value, [batch] in pred's dtype
   */
  <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated);
}
