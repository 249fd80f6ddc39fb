package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = x_0 − x_1, elementwise over exactly two inbound tensors that broadcast as {@link MergeLayer} says (Keras' Subtract). */
public final class Subtract extends MergeLayer {
  /**
   * A layer for the difference of exactly two inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Subtract(String name, boolean trainable) {
    super(name, trainable);
  }

  /**
   * A layer for the difference of exactly two inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Subtract(String name) {
    this(name, true);
  }

  @Override public String type() { return "Subtract"; }

  @Override public int maxInbound() { return 2; }

  /**
   * Subtract has no keys of its own; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Subtract parse(ConfigReader c, String name, boolean trainable) {
    return new Subtract(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    List<Operand<T>> xs = aligned(tf, inputs);
    return difference(tf, xs.get(0), xs.get(1));
  }

  /** first − second. */
  static <T extends TNumber> Operand<T> difference(Ops tf, Operand<T> a, Operand<T> b) {
    return tf.math.sub(a, b);
  }
}
