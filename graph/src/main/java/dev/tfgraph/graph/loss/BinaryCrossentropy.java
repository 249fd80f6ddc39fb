package dev.tfgraph.graph.loss;

import dev.tfgraph.graph.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Mean over the last axis of −[t log σ(z) + (1 − t) log(1 − σ(z))] for targets t of the output's
 * shape (Keras' BinaryCrossentropy), with label smoothing ε: t ← t(1 − ε) + ε/2. From logits as
 * max(z, 0) − z·t + log1p(exp(−|z|)), stable for any z.
 */
public final class BinaryCrossentropy implements Loss {
  private final double smoothing;

  /**
   * Binary cross-entropy on targets in [0, 1].
   *
   * @param labelSmoothing in [0, 1): targets become t·(1 − s) + s/2, as Keras smooths them
   */
  public BinaryCrossentropy(double labelSmoothing) {
    this.smoothing = labelSmoothing;
  }

  @Override public String name() { return "binary_crossentropy"; }
  @Override public boolean sparse() { return false; }
  @Override public String logitsOf() { return "sigmoid"; }
  @Override public boolean classification() { return true; }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits) {
    Operand<T> t = (Operand<T>) target;
    if (smoothing > 0) {
      t = tf.math.add(tf.math.mul(t, tf.constantOfSameType(pred, 1 - smoothing)), tf.constantOfSameType(pred, smoothing / 2));
    }
    // logits, or outputs without sigmoid: taken as logits, as the cross-entropies take them (section 2)
    Operand<T> e = tf.math.add(tf.math.sub(tf.math.maximum(pred, tf.constantOfSameType(pred, 0)), tf.math.mul(pred, t)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(pred)))));
    return MeanError.meanPerExample(tf, e);
  }
}
