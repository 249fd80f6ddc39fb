package dev.tfgraph.layers.normalization;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Batch normalization over the last axis (Keras semantics). Training: batch mean and biased
 * batch variance normalise; the moving averages take the biased variance too, as Keras 3 does
 * (ops.moments; tf.keras 2's fused path took the unbiased one): moving = momentum·moving +
 * (1 − momentum)·batch. Inference: moving statistics. In float32, TF's fused kernel
 * (FusedBatchNormV3, the same math; its batch variance output carries the Bessel correction
 * n/(n − 1), undone here); in float64, which that kernel does not have,
 * the same formula in plain ops ({@link #normalize}). BatchNormalizationTest checks both against
 * the float64 reference: forward, moving statistics and gradients.
 *
 * <p>A frozen layer ({@code trainable} false) runs in inference mode in training too, as Keras'
 * BatchNormalization does since TF 2.0: it normalises with its moving statistics and never updates
 * them, so a frozen, imported backbone (ib-resnet50) keeps the statistics it was trained with.
 *
 * <p>{@code inference_mode} true (Keras' call with {@code training=False}, e.g. a base model called so inside
 * a fine-tuned one): the layer normalises with its moving statistics in training too and never updates them,
 * while gamma and beta still train (unless the layer is frozen).
 *
 * <p>{@code center} and {@code scale} false leave out beta and gamma (as Keras: no weight, beta 0 and
 * gamma 1 in the formula); {@code axis} is the last axis only, −1 or rank − 1, as an int or a
 * one-element list (Keras' applications write 3 for NHWC).
 */
public final class BatchNormalization extends Layer {
  /** epsilon when the spec gives none: 1e-3, added to the variance. */
  public static final double DEFAULT_EPSILON = 1e-3;
  /** momentum when the spec gives none: 0.99, the moving averages' weight of their old value. */
  public static final double DEFAULT_MOMENTUM = 0.99;
  /** axis when the spec gives none: -1, the last (the only one supported). */
  public static final int DEFAULT_AXIS = -1;
  private final double epsilon;
  private final double momentum;
  private final boolean center, scale;
  private final int axis;
  private final boolean inferenceMode;
  private WeightSpec gamma, beta, movingMean, movingVariance;
  private int[] axes;

  /**
   * A batch normalization over the last axis with beta and gamma.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon added to the variance, in [1e-30, 1000]
   * @param momentum the moving averages' weight of their old value, in [0, 1]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, epsilon or momentum is not valid
   */
  public BatchNormalization(String name, double epsilon, double momentum, boolean trainable) {
    this(name, epsilon, momentum, true, true, DEFAULT_AXIS, trainable);
  }

  /**
   * A batch normalization, not in inference mode.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon added to the variance, in [1e-30, 1000]
   * @param momentum the moving averages' weight of their old value, in [0, 1]
   * @param center whether beta [C] is added
   * @param scale whether gamma [C] multiplies
   * @param axis the normalised axis: -1 or rank - 1 (checked when built)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, epsilon or momentum is not valid
   */
  public BatchNormalization(String name, double epsilon, double momentum, boolean center, boolean scale, int axis,
      boolean trainable) {
    this(name, epsilon, momentum, center, scale, axis, false, trainable);
  }

  /**
   * As above; {@code inferenceMode}: moving statistics in training too, gamma and beta still trained.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon added to the variance, in [1e-30, 1000]
   * @param momentum the moving averages' weight of their old value, in [0, 1]
   * @param center whether beta [C] is added
   * @param scale whether gamma [C] multiplies
   * @param axis the normalised axis: -1 or rank - 1 (checked when built)
   * @param inferenceMode Keras' training=False: the moving statistics normalise in training too and are never
   *     updated
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, epsilon or momentum is not valid
   */
  public BatchNormalization(String name, double epsilon, double momentum, boolean center, boolean scale, int axis,
      boolean inferenceMode, boolean trainable) {
    super(name, trainable);
    this.inferenceMode = inferenceMode;
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
    this.momentum = Checks.inRange(where(), "momentum", momentum, 0, 1);
    this.center = center;
    this.scale = scale;
    this.axis = axis;
  }

  /**
   * A batch normalization with Keras' defaults: epsilon 1e-3, momentum 0.99, beta and gamma.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public BatchNormalization(String name) {
    this(name, DEFAULT_EPSILON, DEFAULT_MOMENTUM, true);
  }

  @Override public String type() { return "BatchNormalization"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static BatchNormalization parse(ConfigReader c, String name, boolean trainable) {
    double[] axis = c.numbers("axis", new double[] {DEFAULT_AXIS});
    if (axis.length != 1 || axis[0] != Math.rint(axis[0]) || Math.abs(axis[0]) > Checks.MAX_RANK) {
      throw new dev.tfgraph.graph.BadInputException(c.where() + ": axis must be the last axis, -1 or rank - 1, as an int or a"
          + " one-element list, received " + java.util.Arrays.toString(axis) + "; other axes are not supported");
    }
    return new BatchNormalization(name, c.number("epsilon", DEFAULT_EPSILON), c.number("momentum", DEFAULT_MOMENTUM),
        c.bool("center", true), c.bool("scale", true), (int) axis[0], c.bool("inference_mode", false), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
    out.put("momentum", momentum);
    out.put("center", center);
    out.put("scale", scale);
    out.put("axis", axis);
    if (inferenceMode) out.put("inference_mode", true);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions() < 2 ? 2 : input.numDimensions(), "[batch, ..., channels]");
    int rank = input.numDimensions();
    if (axis != -1 && axis != rank - 1) {
      throw new dev.tfgraph.graph.BadInputException(where() + ": axis must be the last axis (-1 or " + (rank - 1) + " for input "
          + dev.tfgraph.graph.Shapes.show(input) + "), received " + axis + "; other axes are not supported");
    }
    long c = input.get(rank - 1);
    axes = new int[rank - 1];
    for (int i = 0; i < axes.length; i++) axes[i] = i;
    if (scale) gamma = addWeight("gamma", new long[] {c}, true, Initializer.ones());
    if (center) beta = addWeight("beta", new long[] {c}, true, Initializer.zeros());
    movingMean = addWeight("moving_mean", new long[] {c}, false, Initializer.zeros());
    movingVariance = addWeight("moving_variance", new long[] {c}, false, Initializer.ones());
    return input;
  }

  /** The formula: gamma·(x − mean)/sqrt(var + eps) + beta. */
  static <T extends TNumber> Operand<T> normalize(Ops tf, Operand<T> x, Operand<T> mean, Operand<T> var,
      Operand<T> gamma, Operand<T> beta, double eps) {
    Operand<T> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(var, tf.constantOfSameType(var, eps))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (x.type() == TFloat32.class) return (Operand<T>) fused(tf, (Operand<TFloat32>) x, ctx);
    Operand<T> g = gamma(tf, ctx, x.type());
    Operand<T> b = beta(tf, ctx, x.type());
    if (!batchStatistics(ctx)) {
      return normalize(tf, x, ctx.read(tf, movingMean, x.type()), ctx.read(tf, movingVariance, x.type()), g, b, epsilon);
    }
    Operand<T> mean = tf.math.mean(x, tf.constant(axes));
    Operand<T> centered = tf.math.sub(x, mean);
    Operand<T> var = tf.math.mean(tf.math.square(centered), tf.constant(axes));
    Operand<T> m = tf.constantOfSameType(x, momentum);
    Operand<T> m1 = tf.constantOfSameType(x, 1 - momentum);
    Variable<T> mm = ctx.variable(movingMean);
    Variable<T> mv = ctx.variable(movingVariance);
    ctx.addUpdate(tf.assign(mm, tf.math.add(tf.math.mul(tf.identity(mm), m), tf.math.mul(tf.stopGradient(mean), m1))));
    ctx.addUpdate(tf.assign(mv, tf.math.add(tf.math.mul(tf.identity(mv), m), tf.math.mul(tf.stopGradient(var), m1))));
    return normalize(tf, x, mean, var, g, b, epsilon);
  }

  /** gamma, or ones [C] when scale is false. */
  private <T extends TNumber> Operand<T> gamma(Ops tf, CallContext ctx, Class<T> type) {
    return scale ? ctx.read(tf, gamma, type) : constant(tf, 1, type);
  }

  /** beta, or zeros [C] when center is false. */
  private <T extends TNumber> Operand<T> beta(Ops tf, CallContext ctx, Class<T> type) {
    return center ? ctx.read(tf, beta, type) : constant(tf, 0, type);
  }

  private <T extends TNumber> Operand<T> constant(Ops tf, double v, Class<T> type) {
    long c = outputShape().get(outputShape().numDimensions() - 1);
    return tf.dtypes.cast(tf.fill(tf.constant(new long[] {c}), tf.constant(v)), type);
  }

  /** Batch statistics (and moving-average updates) only when training a trainable layer not in inference mode (Keras). */
  private boolean batchStatistics(CallContext ctx) {
    return ctx.training() && trainable() && !inferenceMode;
  }

  /** FusedBatchNormV3 on NHWC; other ranks are viewed as [positions, 1, 1, C] (the same statistics). */
  private Operand<TFloat32> fused(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int rank = outputShape().numDimensions();
    long c = outputShape().get(rank - 1);
    Operand<TFloat32> x4 = rank == 4 ? x : tf.reshape(x, tf.constant(new long[] {-1, 1, 1, c}));
    Operand<TFloat32> g = gamma(tf, ctx, TFloat32.class);
    Operand<TFloat32> b = beta(tf, ctx, TFloat32.class);
    FusedBatchNorm<TFloat32, TFloat32> bn;
    if (batchStatistics(ctx)) {
      Operand<TFloat32> none = tf.constant(new float[0]);
      bn = tf.nn.fusedBatchNorm(x4, g, b, none, none, FusedBatchNorm.epsilon((float) epsilon), FusedBatchNorm.isTraining(true),
          FusedBatchNorm.dataFormat("NHWC"));
      Operand<TFloat32> m = tf.constant((float) momentum);
      Operand<TFloat32> m1 = tf.constant((float) (1 - momentum));
      Variable<TFloat32> mm = ctx.variable(movingMean);
      Variable<TFloat32> mv = ctx.variable(movingVariance);
      ctx.addUpdate(tf.assign(mm, tf.math.add(tf.math.mul(tf.identity(mm), m), tf.math.mul(tf.stopGradient(bn.batchMean()), m1))));
      // the kernel's batch variance is unbiased, var · n/(n − 1) (n = examples × positions, dynamic batch): back to the biased one
      Operand<TFloat32> n = tf.dtypes.cast(tf.math.div(tf.size(x4), tf.constant((int) c)), TFloat32.class);
      Operand<TFloat32> biased = tf.math.mul(bn.batchVariance(), tf.math.div(tf.math.maximum(tf.math.sub(n, tf.constant(1f)), tf.constant(0f)), n));
      ctx.addUpdate(tf.assign(mv, tf.math.add(tf.math.mul(tf.identity(mv), m), tf.math.mul(tf.stopGradient(biased), m1))));
    } else {
      bn = tf.nn.fusedBatchNorm(x4, g, b, ctx.read(tf, movingMean, TFloat32.class), ctx.read(tf, movingVariance, TFloat32.class),
          FusedBatchNorm.epsilon((float) epsilon), FusedBatchNorm.isTraining(false), FusedBatchNorm.dataFormat("NHWC"));
    }
    return rank == 4 ? bn.y() : tf.reshape(bn.y(), tf.shape(x));
  }
}
