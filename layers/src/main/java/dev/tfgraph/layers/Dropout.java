package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Inverted dropout in training (kept units scaled by 1/(1 − rate)), identity at inference. The
 * mask comes from StatelessRandomUniform seeded by (run seed, step, layer), so a resumed run
 * draws the same masks as an uninterrupted one.
 */
public final class Dropout extends Layer {
  private final double rate;

  public Dropout(String name, double rate, boolean trainable) {
    super(name, trainable);
    if (!(rate >= 0 && rate < 1)) throw Checks.error(where(), "rate", "in [0, 1)", rate);
    this.rate = rate;
  }

  public Dropout(String name, double rate) {
    this(name, rate, true);
  }

  @Override public String type() { return "Dropout"; }

  /** Reads this layer's keys from a spec (all required); registered in {@link Layers}. */
  public static Dropout parse(ConfigReader c, String name, boolean trainable) {
    return new Dropout(name, c.number("rate", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("rate", rate);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (!ctx.training() || rate == 0) return x;
    Operand<T> u = tf.random.statelessRandomUniform(tf.shape(x), ctx.seed(tf, name().hashCode()), x.type());
    Operand<T> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constantOfSameType(u, rate)), x.type());
    return tf.math.mul(x, tf.math.mul(keep, tf.constantOfSameType(x, 1.0 / (1.0 - rate))));
  }
}
