package dev.tfgraph.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * An elementwise activation, by the name a spec gives in {@code "activation"}. Built-ins are in
 * {@code graph.activation.Activations}; a user registers more through {@link LayerFactory#activations()}.
 * Generic in the dtype, so the same function runs in float32 and float64.
 */
public interface ActivationFunction {
  <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x);
}
