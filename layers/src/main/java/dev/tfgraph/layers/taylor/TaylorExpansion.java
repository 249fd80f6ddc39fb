package dev.tfgraph.layers.taylor;

import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.reshaping.Flatten;
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
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.types.family.TNumber;

/**
 * A Maclaurin expansion per feature: h_ip = a_ip·x_i^p (p = 0..P), s_ip = Σ_{q≤p} h_iq,
 * y_i = Σ_p w_ip·s_ip. Initial values: a_i = [0, 1, 0, ...] and w_i = 1/(P+1), so the layer
 * starts as the identity y = x with non-zero gradients for every a and w (a and w must not both
 * start at zero: each one's gradient is proportional to the other).
 */
public final class TaylorExpansion extends Layer {
  private final int order;
  private WeightSpec a, w;

  /**
   * A Taylor expansion layer: [batch, n] to [batch, n].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param order P, the highest power, in [0, 1024]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the order is not valid
   */
  public TaylorExpansion(String name, int order, boolean trainable) {
    super(name, trainable);
    this.order = Checks.between(where(), "order", order, 0, Checks.MAX_ORDER);
  }

  /**
   * A trainable Taylor expansion layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param order P, the highest power, in [0, 1024]
   * @throws dev.tfgraph.graph.BadInputException if the name or the order is not valid
   */
  public TaylorExpansion(String name, int order) {
    this(name, order, true);
  }

  @Override public String type() { return "TaylorExpansion"; }

  /**
   * Reads this layer's keys from a spec (all required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static TaylorExpansion parse(ConfigReader c, String name, boolean trainable) {
    return new TaylorExpansion(name, c.integer("order", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("order", order);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 2, "[batch, features] (put a Flatten or Dense before TaylorExpansion)");
    int p1 = order + 1;
    // the powers [batch, n, P+1] are an activation too
    Checks.activation(where(), "powers", new long[] {input.get(1), p1}, "order or the input features");
    a = addWeight("a", new long[] {input.get(1), p1}, true, (shape, rng) -> {
      double[] v = new double[(int) (shape[0] * p1)];
      if (order >= 1) for (int i = 0; i < shape[0]; i++) v[i * p1 + 1] = 1.0;
      else java.util.Arrays.fill(v, 1.0);
      return v;
    }, "order or the input features");
    w = addWeight("w", new long[] {input.get(1), p1}, true, Initializer.constant(1.0 / p1), "order or the input features");
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return taylor(tf, x, ctx.read(tf, a, x.type()), ctx.read(tf, w, x.type()), order);
  }

  /** The formula, as docs/layers.md writes it: powers (x^0 = 1 as ones, Pow for p ≥ 1), Cumsum, weighted sum. */
  static <T extends TNumber> Operand<T> taylor(Ops tf, Operand<T> x, Operand<T> a, Operand<T> w, int order) {
    Operand<T> x3 = tf.expandDims(x, tf.constant(-1));                       // [b, n, 1]
    Operand<T> powers = tf.ones(tf.shape(x3), x.type());                    // x^0 = 1, finite gradient
    if (order >= 1) {
      double[] exps = new double[order];
      for (int p = 1; p <= order; p++) exps[p - 1] = p;
      Operand<T> e = tf.dtypes.cast(tf.constant(exps), x.type());           // [P]
      powers = tf.concat(java.util.List.of(powers, tf.math.pow(x3, e)), tf.constant(-1)); // [b, n, P+1]
    }
    Operand<T> h = tf.math.mul(a, powers);                                  // h_ip = a_ip x_i^p
    Operand<T> s = tf.math.cumsum(h, tf.constant(-1), Cumsum.exclusive(false)); // s_ip = Σ_{q≤p} h_iq
    return tf.reduceSum(tf.math.mul(w, s), tf.constant(-1));                 // y_i = Σ_p w_ip s_ip
  }
}
