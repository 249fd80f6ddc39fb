package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = (x_0 + x_1 + ...) / n, elementwise over n ≥ 2 inbound tensors that broadcast as {@link MergeLayer} says (Keras' Average). */
public final class Average extends MergeLayer {
  /**
   * A layer for the mean of two or more inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Average(String name, boolean trainable) {
    super(name, trainable);
  }

  /**
   * A layer for the mean of two or more inbound tensors.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Average(String name) {
    this(name, true);
  }

  @Override public String type() { return "Average"; }

  /**
   * Average has no keys of its own; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Average parse(ConfigReader c, String name, boolean trainable) {
    return new Average(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return mean(tf, aligned(tf, inputs));
  }

  /** Σ x_i / n. */
  static <T extends TNumber> Operand<T> mean(Ops tf, List<Operand<T>> xs) {
    Operand<T> s = Add.sum(tf, xs);
    return tf.math.div(s, tf.constantOfSameType(s, xs.size()));
  }
}
