package dev.tfgraph.layers.preprocessing;

import dev.tfgraph.graph.model.Adaptable;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras' Normalization over the last axis: y = (x − mean) / max(sqrt(variance), 1e-7), with mean and
 * variance [C] non-trainable. They start at 0 and 1 (identity) and come from a weights file or from
 * {@link #adapt}: per-channel mean and population variance over every example and position.
 * Only the last axis is supported (axis −1, or rank − 1 written explicitly).
 */
public final class Normalization extends Layer implements Adaptable {
  /** axis when the spec gives none: -1, the last (the only one supported). */
  public static final int DEFAULT_AXIS = -1;
  /** Keras' backend epsilon: the floor of the standard deviation. */
  static final double MIN_STD = 1e-7;
  private final int axis;
  private WeightSpec mean, variance;
  private long channels;

  /**
   * A normalization layer; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param axis -1 or rank - 1 (checked when built)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Normalization(String name, int axis, boolean trainable) {
    super(name, trainable);
    this.axis = axis;
  }

  /**
   * A normalization layer over the last axis.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Normalization(String name) {
    this(name, DEFAULT_AXIS, true);
  }

  @Override public String type() { return "Normalization"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Normalization parse(ConfigReader c, String name, boolean trainable) {
    if (c.isNull("axis")) {   // Keras' axis=None is one mean and variance over every axis: not the default here
      throw new dev.tfgraph.graph.BadInputException(c.where() + ": axis null (Keras' None: one mean and variance over every axis) is not"
          + " supported; expected the axis to keep, -1 (the last, the default)");
    }
    return new Normalization(name, c.integer("axis", DEFAULT_AXIS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("axis", axis);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    int rank = input.numDimensions();
    if (rank < 2) {
      throw new BadInputException(where() + ": expected input of rank >= 2 [batch, ..., channels], received shape "
          + Shapes.show(input) + " (rank " + rank + ")");
    }
    requireRank(input, rank, "[batch, ..., channels]");
    if (axis != -1 && axis != rank - 1) {
      throw new BadInputException(where() + ": axis must be the last axis (-1 or " + (rank - 1) + " for input "
          + Shapes.show(input) + "), received " + axis + "; other axes are not supported");
    }
    channels = input.get(rank - 1);
    mean = addWeight("mean", new long[] {channels}, false, Initializer.zeros(), "the input channels");
    variance = addWeight("variance", new long[] {channels}, false, Initializer.ones(), "the input channels");
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return normalize(tf, x, ctx.read(tf, mean, x.type()), ctx.read(tf, variance, x.type()));
  }

  /** (x − mean) / max(sqrt(variance), 1e-7), mean and variance [C] broadcast over the last axis. */
  static <T extends TNumber> Operand<T> normalize(Ops tf, Operand<T> x, Operand<T> mean, Operand<T> variance) {
    Operand<T> std = tf.math.maximum(tf.math.sqrt(variance), tf.constantOfSameType(x, MIN_STD));
    return tf.math.div(tf.math.sub(x, mean), std);
  }

  /** Per-channel mean and population variance of x (n examples, channels last), two passes in double. */
  @Override
  public Map<String, double[]> adapt(float[] x, int n, int[] y, int numClasses) {
    int c = (int) channels;
    long rows = x.length / c;
    if (rows == 0) throw new BadInputException(where() + ": adapt needs at least one example, received none");
    double[] m = new double[c];
    double[] v = new double[c];
    for (int i = 0; i < x.length; i++) m[i % c] += x[i];
    for (int k = 0; k < c; k++) m[k] /= rows;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - m[i % c];
      v[i % c] += d * d;
    }
    for (int k = 0; k < c; k++) v[k] /= rows;
    return Map.of("mean", m, "variance", v);
  }
}
