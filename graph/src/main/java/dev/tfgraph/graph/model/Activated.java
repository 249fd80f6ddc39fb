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
  String activation();

  /** The layer's output before its activation. */
  <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx);
}
