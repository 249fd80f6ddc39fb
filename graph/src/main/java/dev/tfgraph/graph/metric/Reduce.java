package dev.tfgraph.graph.metric;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Small reductions the metrics share. */
final class Reduce {
  private Reduce() {}

  /** The mean over every axis but the batch axis: [batch]. */
  static <T extends TNumber> Operand<T> meanPerExample(Ops tf, Operand<T> e) {
    int rank = e.shape().numDimensions();
    if (rank == 1) return e;
    int[] axes = new int[rank - 1];
    for (int i = 0; i < axes.length; i++) axes[i] = i + 1;
    return tf.math.mean(e, tf.constant(axes));
  }

  /** The index (relative to off) of the largest of a[off..off+len), the first on ties. */
  static int argmax(float[] a, int off, int len) {
    int best = 0;
    for (int c = 1; c < len; c++) if (a[off + c] > a[off + best]) best = c;
    return best;
  }
}
