package dev.tfgraph.layers.softexp;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TNumber;

/**
 * Soft exponential activation (Godfrey and Gashler 2016) with a trainable α per unit, optionally
 * doubled (two α rows, outputs concatenated), with an L2 penalty alpha_l2·Σα² on the loss.
 */
public final class SoftExponential extends Layer {
  /** Below this |α| both branches share the first-order series. */
  public static final double SMALL = 1e-3;
  /** doubled when the spec gives none: false. */
  public static final boolean DEFAULT_DOUBLED = false;
  /** alpha_init when not given: {@code DEFAULT_ALPHA_INIT}, or ±{@code DEFAULT_ALPHA_INIT_DOUBLED} when doubled. */
  public static final double DEFAULT_ALPHA_INIT = 0.0;
  /** The magnitude of the two alpha rows' start when doubled: -0.1 and 0.1. */
  public static final double DEFAULT_ALPHA_INIT_DOUBLED = 0.1;
  /** alpha_l2 when the spec gives none: 0 (no penalty). */
  public static final double DEFAULT_ALPHA_L2 = 0.0;
  private final boolean doubled;
  private final double[] alphaInit;
  private final double alphaL2;
  private WeightSpec alpha;
  private long units;

  /**
   * A soft exponential layer: [batch, n] to [batch, n], or to [batch, 2n] when doubled.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param doubled whether two alpha rows are applied and their outputs concatenated
   * @param alphaInit alpha's start, one value (two when doubled) in [-1000, 1000], or null for the defaults
   * @param alphaL2 the L2 penalty's factor on alpha, in [0, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, alpha_init's length or a value is not valid
   */
  public SoftExponential(String name, boolean doubled, double[] alphaInit, double alphaL2, boolean trainable) {
    super(name, trainable);
    this.doubled = doubled;
    double[] init = alphaInit != null ? alphaInit
        : doubled ? new double[] {-DEFAULT_ALPHA_INIT_DOUBLED, DEFAULT_ALPHA_INIT_DOUBLED} : new double[] {DEFAULT_ALPHA_INIT};
    this.alphaInit = Checks.length(where(), "alpha_init", init, doubled ? 2 : 1,
        "doubled = " + doubled).clone();
    Checks.each(where(), "alpha_init", this.alphaInit, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
    this.alphaL2 = Checks.inRange(where(), "alpha_l2", alphaL2, 0, Checks.MAX_COEFFICIENT);
  }

  /**
   * A trainable soft exponential layer with the default alpha and no penalty.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param doubled whether two alpha rows are applied and their outputs concatenated
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public SoftExponential(String name, boolean doubled) {
    this(name, doubled, null, DEFAULT_ALPHA_L2, true);
  }

  @Override public String type() { return "SoftExponential"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static SoftExponential parse(ConfigReader c, String name, boolean trainable) {
    return new SoftExponential(name, c.bool("doubled", DEFAULT_DOUBLED), c.numbers("alpha_init", null),
        c.number("alpha_l2", DEFAULT_ALPHA_L2), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("doubled", doubled);
    out.put("alpha_init", doubled ? alphaInit.clone() : (Object) alphaInit[0]);
    out.put("alpha_l2", alphaL2);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 2, "[batch, units]");
    units = input.get(1);
    alpha = addWeight("alpha", doubled ? new long[] {2, units} : new long[] {units}, true, Initializer.rows(alphaInit));
    return doubled ? Shapes.batchOf(2 * units) : input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> a = ctx.read(tf, alpha, x.type());
    if (!doubled) return softExp(tf, a, x);
    Operand<T> y = softExp(tf, a, tf.expandDims(x, tf.constant(1)));        // [b, 2, n]
    return tf.reshape(y, tf.constant(new long[] {-1, 2 * units}));           // concat(f(α0, x), f(α1, x))
  }

  @Override
  public <T extends TNumber> Operand<T> regularization(Ops tf, CallContext ctx, Class<T> type) {
    if (alphaL2 == 0) return null;
    Operand<T> a = ctx.read(tf, alpha, type);
    return tf.math.mul(tf.constantOfSameType(a, alphaL2),
        tf.reduceSum(tf.math.square(a), tf.constant(doubled ? new int[] {0, 1} : new int[] {0})));
  }

  /**
   * The formula, branch by branch as docs/layers.md writes it. Every branch is evaluated on safe
   * inputs (the double-where trick: Select back-propagates through the branch not taken).
   */
  static <T extends TNumber> Operand<T> softExp(Ops tf, Operand<T> alpha, Operand<T> x) {
    Operand<T> one = tf.constantOfSameType(x, 1.0);
    Operand<T> zeros = tf.math.mul(x, tf.constantOfSameType(x, 0.0));
    Operand<T> a = tf.math.add(alpha, zeros);                                // α broadcast to x's shape
    Operand<TBool> small = tf.math.less(tf.math.abs(a), tf.constantOfSameType(a, SMALL));
    Operand<TBool> negative = tf.math.less(a, tf.constantOfSameType(a, 0.0));
    // |α| < 1e-3: x + α(1 + x²/2)
    Operand<T> series = tf.math.add(x, tf.math.mul(a, tf.math.add(one,
        tf.math.mul(tf.math.square(x), tf.constantOfSameType(x, 0.5)))));
    // α < 0: −log1p(−α(x + α))/α, the log argument raised to at least 1e-7
    Operand<T> aNeg = tf.select(tf.math.logicalAnd(negative, tf.math.logicalNot(small)), a, tf.constantOfSameType(a, -1.0));
    Operand<T> u = tf.math.neg(tf.math.mul(aNeg, tf.math.add(x, aNeg)));
    Operand<TBool> clamped = tf.math.less(tf.math.add(one, u), tf.constantOfSameType(u, 1e-7));
    Operand<T> log = tf.select(clamped, tf.constantOfSameType(u, Math.log(1e-7)),
        tf.math.log1p(tf.select(clamped, zeros, u)));
    Operand<T> logBranch = tf.math.div(tf.math.neg(log), aNeg);
    // α > 0: expm1(min(αx, 80))/α + α
    Operand<T> aPos = tf.select(tf.math.logicalOr(negative, small), one, a);
    Operand<T> expBranch = tf.math.add(tf.math.div(tf.math.expm1(
        tf.math.minimum(tf.math.mul(aPos, x), tf.constantOfSameType(x, 80.0))), aPos), aPos);
    return tf.select(small, series, tf.select(negative, logBranch, expBranch));
  }
}
