package dev.tfgraph.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A training loss, with Keras' name and semantics (docs/training.md): a per-example value in
 * the graph, written once: the trainer averages it over a batch and adds the layers'
 * regularization, and evaluation (validation, test, a SavedModel's outputs) sums it over batches.
 * Built-ins are in {@code dev.tfgraph.graph.loss}; a user's own loss is registered through
 * {@link LayerFactory#losses()}.
 */
public interface Loss {
  /** {@return the Keras name, e.g. "mse"} */
  String name();

  /** {@return true for integer class labels [n], false for float targets of the output's shape} */
  boolean sparse();

  /**
   * {@return the output activation whose pre-activation logits this loss takes when the model ends in it
   * ("softmax", "sigmoid"), or null: the loss takes the outputs as they are}
   */
  String logitsOf();

  /** {@return true for a classification loss (accuracy is reported), false for regression (mse and mae)} */
  boolean classification();

  /**
   * The loss of each example, shape [batch]. {@code pred} holds the logits when {@code logits} (the
   * output layer ended in {@link #logitsOf()}, which was left out), else the model's outputs, which
   * the built-in cross-entropies also take as logits (docs/training.md); {@code target} is
   * int32 class labels [batch] when {@link #sparse()}, else floats of pred's shape in its dtype.
   * Outputs that went through {@link #logitsOf()} and cannot be taken apart (a SavedModel's) are
   * turned back into logits first ({@code Losses.logitsFrom}).
   *
   * @param <T> the model's float type
   * @param tf the ops to add to
   * @param pred logits or outputs, [batch, ...output shape]
   * @param target int32 labels [batch], or floats of pred's shape
   * @param logits true when {@code pred} holds logits
   * @return the per-example loss, [batch] in pred's dtype
   */
  <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits);
}
