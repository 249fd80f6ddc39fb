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
  public static final double DEFAULT_EPSILON = 1e-12;
  private final double epsilon;
  private int[] axes;

  public L2Normalize(String name, double epsilon, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
  }

  public L2Normalize(String name) {
    this(name, DEFAULT_EPSILON, true);
  }

  @Override public String type() { return "L2Normalize"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}. */
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
