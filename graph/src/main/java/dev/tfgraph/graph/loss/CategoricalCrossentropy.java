package dev.tfgraph.graph.loss;

import dev.tfgraph.graph.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;

/**
 * −Σ_k t_k log softmax(z)_k for float targets t [n, K] (Keras' CategoricalCrossentropy), with
 * label smoothing ε: t ← t(1 − ε) + ε/K.
 */
public final class CategoricalCrossentropy implements Loss {
  private final double smoothing;

  /**
   * Categorical cross-entropy on one-hot (or soft) targets.
   *
   * @param labelSmoothing in [0, 1): targets become t·(1 − s) + s/classes, as Keras smooths them
   */
  public CategoricalCrossentropy(double labelSmoothing) {
    this.smoothing = labelSmoothing;
  }

  @Override public String name() { return "categorical_crossentropy"; }
  @Override public boolean sparse() { return false; }
  @Override public String logitsOf() { return "softmax"; }
  @Override public boolean classification() { return true; }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits) {
    Operand<T> t = (Operand<T>) target;
    if (smoothing > 0) {
      double k = pred.shape().get(1);
      t = tf.math.add(tf.math.mul(t, tf.constantOfSameType(pred, 1 - smoothing)), tf.constantOfSameType(pred, smoothing / k));
    }
    return softmaxCrossEntropy(tf, pred, t);   // logits, or outputs without softmax: taken as logits (section 2)
  }

  /** −Σ t·log_softmax(z): the fused op in float32; in float64 typed ops (TF 2.18's fused gradient builds a float32 constant). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T extends TNumber> Operand<T> softmaxCrossEntropy(Ops tf, Operand<T> logits, Operand<T> t) {
    if (logits.type() == TFloat64.class) {
      return tf.math.neg(tf.reduceSum(tf.math.mul(t, tf.nn.logSoftmax(logits)), tf.constant(1)));
    }
    return (Operand<T>) tf.nn.softmaxCrossEntropyWithLogits((Operand) logits, (Operand) t).loss();
  }
}
