package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = x_0 + x_1 + ..., elementwise over two or more inbound tensors that broadcast as {@link MergeLayer} says (Keras' Add). */
public final class Add extends MergeLayer {
  /**
   * A layer for the sum of two or more inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Add(String name, boolean trainable) {
    super(name, trainable);
  }

  /**
   * A layer for the sum of two or more inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Add(String name) {
    this(name, true);
  }

  @Override public String type() { return "Add"; }

  /**
   * Add has no keys of its own; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Add parse(ConfigReader c, String name, boolean trainable) {
    return new Add(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return sum(tf, aligned(tf, inputs));
  }

  /** Σ x_i: one AddN for equal shapes, else broadcasting Adds left to right. */
  static <T extends TNumber> Operand<T> sum(Ops tf, List<Operand<T>> xs) {
    if (sameShapes(xs)) return tf.math.addN(xs);
    Operand<T> y = xs.get(0);
    for (int i = 1; i < xs.size(); i++) y = tf.math.add(y, xs.get(i));
    return y;
  }
}
