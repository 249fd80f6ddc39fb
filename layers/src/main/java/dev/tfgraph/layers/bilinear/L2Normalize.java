package dev.tfgraph.layers.bilinear;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.family.TNumber;

/** y = x / sqrt(max(Σ x², ε)) over all non-batch axes; an all-zero example stays 0, finitely. */
public final class L2Normalize extends Layer {
  /** epsilon when the spec gives none: 1e-12, the floor of the squared norm. */
  public static final double DEFAULT_EPSILON = 1e-12;
  private final double epsilon;
  private int[] axes;

  /**
   * An L2 normalisation of each example; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon the floor of the squared norm, in [1e-30, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or epsilon is not valid
   */
  public L2Normalize(String name, double epsilon, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
  }

  /**
   * An L2 normalisation with epsilon 1e-12.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public L2Normalize(String name) {
    this(name, DEFAULT_EPSILON, true);
  }

  @Override public String type() { return "L2Normalize"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static L2Normalize parse(ConfigReader c, String name, boolean trainable) {
    return new L2Normalize(name, c.number("epsilon", DEFAULT_EPSILON), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, Math.max(2, input.numDimensions()), "[batch, ...]");
    axes = new int[input.numDimensions() - 1];
    for (int i = 0; i < axes.length; i++) axes[i] = i + 1;
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> ss = tf.reduceSum(tf.math.square(x), tf.constant(axes), ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(ss, tf.constantOfSameType(x, epsilon))));
  }
}
