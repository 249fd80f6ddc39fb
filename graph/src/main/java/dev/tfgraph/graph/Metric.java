package dev.tfgraph.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A metric reported per epoch for training, validation and test (Keras' {@code compile(metrics=...)}):
 * a per-example value whose mean over a set is the metric. As a {@link Loss}, it has the formula
 * twice: as ops for training batches (averaged in the step, so it costs no extra fetch of outputs)
 * and in Java for evaluation from a model's outputs. Built-ins are in {@code dev.tfgraph.graph.metric};
 * a user's own metric is registered through {@link LayerFactory#metrics()}.
 */
public interface Metric {
  /** The name in logs and in the JSON summary ("accuracy", "top_5_accuracy", "mse", ...). */
  String name();

  /**
   * The value of each example, shape [batch], in pred's dtype: {@code pred} holds the model's
   * outputs as it outputs them ({@code activated}: they went through the loss's final activation,
   * softmax or sigmoid; otherwise they are logits or plain outputs), exactly what the Java formula
   * below receives; {@code target} is int32 labels [batch] for a sparse loss, else floats of pred's shape.
   */
  <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated);

  /**
   * The same for one example in Java: outputs {@code out[off..off+len)} ({@code probabilities}:
   * they went through the final activation), target {@code label} (sparse) or
   * {@code target[off..off+len)}.
   */
  double perExample(float[] out, int off, int len, int label, float[] target, boolean probabilities);
}
