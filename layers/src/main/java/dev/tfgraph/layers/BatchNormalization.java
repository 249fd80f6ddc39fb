package dev.tfgraph.layers;

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
 * batch variance normalise; the moving averages take the unbiased variance (as TF's fused
 * kernel and Keras do): moving = momentum·moving + (1 − momentum)·batch. Inference: moving
 * statistics. In float32, TF's fused kernel (FusedBatchNormV3, the same math, with the Bessel
 * correction of the moving variance in the kernel); in float64, which that kernel does not have,
 * the same formula in plain ops ({@link #normalize}). BatchNormalizationTest checks both against
 * the float64 reference: forward, moving statistics and gradients.
 *
 * <p>A frozen layer ({@code trainable} false) runs in inference mode in training too, as Keras'
 * BatchNormalization does since TF 2.0: it normalises with its moving statistics and never updates
 * them, so a frozen, imported backbone (ib-resnet50) keeps the statistics it was trained with.
 */
public final class BatchNormalization extends Layer {
  public static final double DEFAULT_EPSILON = 1e-3;
  public static final double DEFAULT_MOMENTUM = 0.99;
  private final double epsilon;
  private final double momentum;
  private WeightSpec gamma, beta, movingMean, movingVariance;
  private int[] axes;

  public BatchNormalization(String name, double epsilon, double momentum, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
    this.momentum = Checks.inRange(where(), "momentum", momentum, 0, 1);
  }

  public BatchNormalization(String name) {
    this(name, DEFAULT_EPSILON, DEFAULT_MOMENTUM, true);
  }

  @Override public String type() { return "BatchNormalization"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@link Layers}. */
  public static BatchNormalization parse(ConfigReader c, String name, boolean trainable) {
    return new BatchNormalization(name, c.number("epsilon", DEFAULT_EPSILON), c.number("momentum", DEFAULT_MOMENTUM),
        trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
    out.put("momentum", momentum);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions() < 2 ? 2 : input.numDimensions(), "[batch, ..., channels]");
    long c = input.get(input.numDimensions() - 1);
    axes = new int[input.numDimensions() - 1];
    for (int i = 0; i < axes.length; i++) axes[i] = i;
    gamma = addWeight("gamma", new long[] {c}, true, Initializer.ones());
    beta = addWeight("beta", new long[] {c}, true, Initializer.zeros());
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
    Operand<T> g = ctx.read(tf, gamma, x.type());
    Operand<T> b = ctx.read(tf, beta, x.type());
    if (!batchStatistics(ctx)) {
      return normalize(tf, x, ctx.read(tf, movingMean, x.type()), ctx.read(tf, movingVariance, x.type()), g, b, epsilon);
    }
    Operand<T> mean = tf.math.mean(x, tf.constant(axes));
    Operand<T> centered = tf.math.sub(x, mean);
    Operand<T> var = tf.math.mean(tf.math.square(centered), tf.constant(axes));
    // n / (n - 1) for the moving variance, n = examples × positions (dynamic batch)
    Operand<T> n = tf.dtypes.cast(tf.math.div(tf.size(x), tf.constant((int) outputShape().get(outputShape().numDimensions() - 1))), x.type());
    Operand<T> unbiased = tf.math.mul(var, tf.math.div(n, tf.math.maximum(tf.math.sub(n, tf.constantOfSameType(n, 1)), tf.constantOfSameType(n, 1))));
    Operand<T> m = tf.constantOfSameType(x, momentum);
    Operand<T> m1 = tf.constantOfSameType(x, 1 - momentum);
    Variable<T> mm = ctx.variable(movingMean);
    Variable<T> mv = ctx.variable(movingVariance);
    ctx.addUpdate(tf.assign(mm, tf.math.add(tf.math.mul(tf.identity(mm), m), tf.math.mul(tf.stopGradient(mean), m1))));
    ctx.addUpdate(tf.assign(mv, tf.math.add(tf.math.mul(tf.identity(mv), m), tf.math.mul(tf.stopGradient(unbiased), m1))));
    return normalize(tf, x, mean, var, g, b, epsilon);
  }

  /** Batch statistics (and moving-average updates) only when training a trainable layer (Keras). */
  private boolean batchStatistics(CallContext ctx) {
    return ctx.training() && trainable();
  }

  /** FusedBatchNormV3 on NHWC; other ranks are viewed as [positions, 1, 1, C] (the same statistics). */
  private Operand<TFloat32> fused(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int rank = outputShape().numDimensions();
    long c = outputShape().get(rank - 1);
    Operand<TFloat32> x4 = rank == 4 ? x : tf.reshape(x, tf.constant(new long[] {-1, 1, 1, c}));
    Operand<TFloat32> g = ctx.read(tf, gamma, TFloat32.class);
    Operand<TFloat32> b = ctx.read(tf, beta, TFloat32.class);
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
      ctx.addUpdate(tf.assign(mv, tf.math.add(tf.math.mul(tf.identity(mv), m), tf.math.mul(tf.stopGradient(bn.batchVariance()), m1))));
    } else {
      bn = tf.nn.fusedBatchNorm(x4, g, b, ctx.read(tf, movingMean, TFloat32.class), ctx.read(tf, movingVariance, TFloat32.class),
          FusedBatchNorm.epsilon((float) epsilon), FusedBatchNorm.isTraining(false), FusedBatchNorm.dataFormat("NHWC"));
    }
    return rank == 4 ? bn.y() : tf.reshape(bn.y(), tf.shape(x));
  }
}
