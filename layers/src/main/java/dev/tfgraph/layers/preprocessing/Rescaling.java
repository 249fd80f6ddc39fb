package dev.tfgraph.layers.preprocessing;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * y = x·scale + offset, elementwise, any shape (Keras' Rescaling). scale and offset are each a
 * number, or a list of C numbers applied per channel along the last axis (EfficientNet's
 * per-channel 1/std), which must then have C entries.
 */
public final class Rescaling extends Layer {
  /** scale when the spec gives none: 1. */
  public static final double DEFAULT_SCALE = 1.0;
  /** offset when the spec gives none: 0. */
  public static final double DEFAULT_OFFSET = 0.0;
  private final double[] scale;
  private final double[] offset;

  /**
   * A rescaling by one scale and one offset.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param scale the factor, in [-1000, 1000]
   * @param offset added after scaling, in [-1000, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, scale or offset is not valid
   */
  public Rescaling(String name, double scale, double offset, boolean trainable) {
    this(name, new double[] {scale}, new double[] {offset}, trainable);
  }

  /**
   * A rescaling, per channel when a list has more than one entry.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param scale one factor, or one per channel of the last axis; each in [-1000, 1000]
   * @param offset one offset, or one per channel of the last axis; each in [-1000, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, scale or offset is not valid (a list's length
   *     against the channels is checked when built)
   */
  public Rescaling(String name, double[] scale, double[] offset, boolean trainable) {
    super(name, trainable);
    this.scale = coefficients("scale", scale);
    this.offset = coefficients("offset", offset);
  }

  /**
   * A trainable rescaling by one scale and one offset.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param scale the factor, in [-1000, 1000]
   * @param offset added after scaling, in [-1000, 1000]
   * @throws dev.tfgraph.graph.BadInputException if the name, scale or offset is not valid
   */
  public Rescaling(String name, double scale, double offset) {
    this(name, scale, offset, true);
  }

  private double[] coefficients(String key, double[] v) {
    if (v.length < 1 || v.length > Checks.MAX_UNITS) {
      throw new BadInputException(where() + ": " + key + " has " + v.length + " entries; expected a number or a list of 1 to "
          + Checks.MAX_UNITS + " numbers");
    }
    for (double d : v) Checks.inRange(where(), key, d, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
    return v.clone();
  }

  @Override public String type() { return "Rescaling"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Rescaling parse(ConfigReader c, String name, boolean trainable) {
    return new Rescaling(name, c.numbers("scale", new double[] {DEFAULT_SCALE}), c.numbers("offset", new double[] {DEFAULT_OFFSET}),
        trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("scale", scale.length == 1 ? (Object) scale[0] : scale.clone());
    out.put("offset", offset.length == 1 ? (Object) offset[0] : offset.clone());
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ...]");
    long channels = input.get(input.numDimensions() - 1);
    for (double[] v : new double[][] {scale, offset}) {
      if (v.length > 1 && (input.numDimensions() < 2 || channels != v.length)) {
        throw new BadInputException(where() + ": " + (v == scale ? "scale" : "offset") + " has " + v.length
            + " entries (one per channel), but the input's last axis has " + channels + ", received input " + Shapes.show(input));
      }
    }
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (scale.length == 1 && offset.length == 1) return rescale(tf, x, scale[0], offset[0]);
    return tf.math.add(tf.math.mul(x, constant(tf, x, scale)), constant(tf, x, offset));
  }

  /** A number as a scalar, a list as a [C] vector that broadcasts over the last axis; in x's dtype (cast from float64 as Keras). */
  private static <T extends TNumber> Operand<T> constant(Ops tf, Operand<T> x, double[] v) {
    return v.length == 1 ? tf.constantOfSameType(x, v[0]) : tf.dtypes.cast(tf.constant(Arrays.copyOf(v, v.length)), x.type());
  }

  /** x·scale + offset, the constants in x's dtype. */
  static <T extends TNumber> Operand<T> rescale(Ops tf, Operand<T> x, double scale, double offset) {
    return tf.math.add(tf.math.mul(x, tf.constantOfSameType(x, scale)), tf.constantOfSameType(x, offset));
  }
}
