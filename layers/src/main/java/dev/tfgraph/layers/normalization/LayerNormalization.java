package dev.tfgraph.layers.normalization;

import dev.tfgraph.layers.core.Softmax;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.family.TNumber;

/**
 * Keras' LayerNormalization over one axis of each example: y = (x − mean)/sqrt(var + epsilon)·gamma
 * + beta, with the mean and the biased variance taken along {@code axis} (−1 the last; not the batch
 * axis). gamma (when scale) starts at ones and beta (when center) at zeros, both [C] for C the size
 * of that axis. axis is read as an integer or a one-element list (Keras 2 files write [3]).
 */
public final class LayerNormalization extends Layer {
  /** axis when the spec gives none: -1, the last. */
  public static final int DEFAULT_AXIS = -1;
  /** epsilon when the spec gives none: 1e-3, added to the variance. */
  public static final double DEFAULT_EPSILON = 1e-3;
  /** center when the spec gives none: true (beta is added). */
  public static final boolean DEFAULT_CENTER = true;
  /** scale when the spec gives none: true (gamma multiplies). */
  public static final boolean DEFAULT_SCALE = true;
  private final int axis;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private int resolved;
  private long[] paramShape;   // [1, ..., C, ..., 1], the input's rank: gamma and beta broadcast along every other axis
  private WeightSpec gamma;
  private WeightSpec beta;

  /**
   * A layer normalization.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param axis the normalised axis, negative from the end; never 0 (checked against the input's rank when
   *     built)
   * @param epsilon added to the variance, in [1e-30, 1000]
   * @param center whether beta [C] is added
   * @param scale whether gamma [C] multiplies
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or epsilon is not valid, or the axis is 0
   */
  public LayerNormalization(String name, int axis, double epsilon, boolean center, boolean scale, boolean trainable) {
    super(name, trainable);
    if (axis == 0) throw new BadInputException(where() + ": axis must not be 0 (the batch axis), received 0");
    this.axis = axis;
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
    this.center = center;
    this.scale = scale;
  }

  /**
   * A layer normalization over the last axis with Keras' defaults.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public LayerNormalization(String name) {
    this(name, DEFAULT_AXIS, DEFAULT_EPSILON, DEFAULT_CENTER, DEFAULT_SCALE, true);
  }

  @Override public String type() { return "LayerNormalization"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static LayerNormalization parse(ConfigReader c, String name, boolean trainable) {
    double[] a = c.numbers("axis", new double[] {DEFAULT_AXIS});   // a number or a list of numbers
    if (a.length != 1 || a[0] != Math.rint(a[0]) || Math.abs(a[0]) > Checks.MAX_RANK) {
      throw Checks.error(c.where(), "axis", "an integer or a list of one integer (one axis)", a);
    }
    return new LayerNormalization(name, (int) a[0], c.number("epsilon", DEFAULT_EPSILON), c.bool("center", DEFAULT_CENTER),
        c.bool("scale", DEFAULT_SCALE), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("axis", axis);
    out.put("epsilon", epsilon);
    out.put("center", center);
    out.put("scale", scale);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ...]");
    resolved = Softmax.resolveAxis(where(), "axis", axis, input);
    long c = input.get(resolved);
    paramShape = new long[input.numDimensions()];
    Arrays.fill(paramShape, 1);
    paramShape[resolved] = c;
    if (scale) gamma = addWeight("gamma", new long[] {c}, true, Initializer.ones());
    if (center) beta = addWeight("beta", new long[] {c}, true, Initializer.zeros());
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> y = normalize(tf, x, resolved, epsilon);
    if (scale) y = tf.math.mul(y, tf.reshape(ctx.read(tf, gamma, x.type()), tf.constant(paramShape)));
    if (center) y = tf.math.add(y, tf.reshape(ctx.read(tf, beta, x.type()), tf.constant(paramShape)));
    return y;
  }

  /** (x − mean)/sqrt(var + eps) along axis a, var = mean((x − mean)²) (biased; the two-pass form, stable in float32). */
  static <T extends TNumber> Operand<T> normalize(Ops tf, Operand<T> x, int a, double eps) {
    Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {a});
    Operand<T> d = tf.math.sub(x, tf.math.mean(x, axes, Mean.keepDims(true)));
    Operand<T> var = tf.math.mean(tf.math.square(d), axes, Mean.keepDims(true));
    return tf.math.div(d, tf.math.sqrt(tf.math.add(var, tf.constantOfSameType(var, eps))));
  }
}
