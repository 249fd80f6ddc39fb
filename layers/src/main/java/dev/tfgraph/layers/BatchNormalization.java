package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TNumber;

/**
 * Batch normalization over the last axis (Keras semantics). Training: batch mean and biased
 * batch variance normalise; the moving averages take the unbiased variance (as TF's fused
 * kernel and Keras do): moving = momentum·moving + (1 − momentum)·batch. Inference: moving
 * statistics. Written in plain ops (FusedBatchNormV3 has no float64 kernel, and the float64
 * gradient check must test the same code that runs in float32).
 */
public final class BatchNormalization extends Layer {
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
    this(name, 1e-3, 0.99, true);
  }

  @Override public String type() { return "BatchNormalization"; }

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
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> g = ctx.read(tf, gamma, x.type());
    Operand<T> b = ctx.read(tf, beta, x.type());
    if (!ctx.training()) {
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
}
