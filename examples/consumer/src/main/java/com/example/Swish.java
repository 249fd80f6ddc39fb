package com.example;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Swish with a trainable β per unit (Ramachandran et al. 2017): y = x · sigmoid(β·x). */
public final class Swish extends Layer {
  private final double betaInit;
  private WeightSpec beta;

  public Swish(String name, double betaInit, boolean trainable) {
    super(name, trainable);
    this.betaInit = Checks.nonNegative(where(), "beta_init", betaInit);   // config: validated once
  }

  public Swish(String name, double betaInit) {
    this(name, betaInit, true);
  }

  @Override
  public String type() {
    return "Swish";
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("beta_init", betaInit);
  }

  @Override
  protected Shape computeBuild(Shape input) {                            // build: the weights, once
    requireRank(input, 2, "[batch, units]");
    beta = addWeight("beta", new long[] {input.get(1)}, true, Initializer.constant(betaInit));
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {   // call: pure
    return swish(tf, ctx.read(tf, beta, x.type()), x);
  }

  /** The formula. */
  static <T extends TNumber> Operand<T> swish(Ops tf, Operand<T> beta, Operand<T> x) {
    return tf.math.mul(x, tf.math.sigmoid(tf.math.mul(beta, x)));
  }
}
