package dev.tfgraph.layers.bilinear;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Batched matrix helpers shared by the bilinear layers. */
final class Linalg {
  private Linalg() {}

  /** BatchMatMulV2 (broadcasting batch dims); the Ops API's batchMatMul is V3. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T extends TNumber> Operand<T> matmul(Ops tf, Operand<T> a, Operand<T> b, boolean adjA, boolean adjB) {
    return (Operand<T>) (Operand) tf.scope().opBuilder("BatchMatMulV2", "BatchMatMulV2")
        .addInput(a.asOutput()).addInput(b.asOutput())
        .setAttr("adj_x", adjA).setAttr("adj_y", adjB)
        .build().output(0);
  }

  /** The c×c identity in the dtype of {@code like}. */
  static <T extends TNumber> Operand<T> eye(Ops tf, int c, Operand<T> like) {
    double[][] id = new double[c][c];
    for (int i = 0; i < c; i++) id[i][i] = 1;
    return tf.dtypes.cast(tf.constant(id), like.type());
  }

  /** Last two axes swapped. */
  static <T extends TNumber> Operand<T> transpose(Ops tf, Operand<T> a) {
    return tf.linalg.transpose(a, tf.constant(new int[] {0, 2, 1}));
  }
}
