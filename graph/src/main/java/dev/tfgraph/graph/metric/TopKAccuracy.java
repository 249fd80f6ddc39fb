package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.Metric;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * "top_k_accuracy": 1 when fewer than k outputs are strictly greater than the output of the true
 * class (the label, or argmax of one-hot targets), as Keras' (sparse) top-k categorical accuracy.
 */
public final class TopKAccuracy implements Metric {
  private final int k;
  private final boolean sparse;

  /**
   * Top-k accuracy: the target's class is among the k largest outputs.
   *
   * @param k the number of top outputs, at least 1
   * @param sparse true for integer labels, false for one-hot targets
   */
  public TopKAccuracy(int k, boolean sparse) {
    this.k = k;
    this.sparse = sparse;
  }

  @Override
  public String name() {
    return "top_" + k + "_accuracy";
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated) {
    Operand<TInt32> label = sparse ? (Operand<TInt32>) target
        : tf.dtypes.cast(tf.math.argMax((Operand) target, tf.constant(1)), TInt32.class);
    Operand<T> hot = tf.oneHot(label, tf.constant((int) pred.shape().get(1)), tf.constantOfSameType(pred, 1),
        tf.constantOfSameType(pred, 0));
    Operand<T> truth = tf.reduceSum(tf.math.mul(pred, hot), tf.constant(1), org.tensorflow.op.core.ReduceSum.keepDims(true));
    Operand<T> above = tf.reduceSum(tf.dtypes.cast(tf.math.greater(pred, truth), pred.type()), tf.constant(1));
    return tf.dtypes.cast(tf.math.less(above, tf.constantOfSameType(pred, k)), pred.type());
  }
}
