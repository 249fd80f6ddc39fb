package dev.tfgraph.graph.model;

import dev.tfgraph.graph.CallContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A layer that ends in an activation. When a model's last layer ends in softmax, training takes
 * the pre-activation values as logits and fuses softmax into the cross-entropy.
 */
public interface Activated {
  /** @return the name of the activation the layer ends in, e.g. "softmax" or "linear" */
  String activation();

  /**
   * The layer's output before its activation.
   * @param <T> the dtype (float32 or float64)
   * @param tf the ops of the graph being built
   * @param x the layer's input, batch axis first
   * @param ctx the call's training flag and weights
   * @return the output before the activation, of the layer's output shape
   */
  <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx);
}
