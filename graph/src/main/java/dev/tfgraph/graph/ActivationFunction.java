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
  /**
   * The activation, elementwise.
   * @param <T> the dtype (float32 or float64)
   * @param tf the ops of the graph being built
   * @param x any shape
   * @return the activated values, of x's shape and dtype
   */
  <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x);
}
