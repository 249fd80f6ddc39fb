package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.Metric;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * "accuracy" as Keras resolves it from the loss: for integer labels, argmax(out) = label (sparse
 * categorical accuracy); for one-hot targets, argmax(out) = argmax(target) (categorical); for
 * binary cross-entropy, the mean over the outputs of (out > threshold) = (target > 1/2), the
 * threshold 1/2 on outputs that went through the sigmoid and 0 on logits (binary accuracy).
 */
public final class Accuracy implements Metric {
  /** How targets are read. */
  public enum Kind {
    /** Integer labels [batch]: argmax(out) = label. */
    SPARSE,
    /** One-hot targets: argmax(out) = argmax(target). */
    CATEGORICAL,
    /** Binary targets: thresholded outputs against targets thresholded at 1/2, per output. */
    BINARY
  }

  private final Kind kind;

  /**
   * Accuracy for targets read as {@code kind}.
   *
   * @param kind how targets are read
   */
  public Accuracy(Kind kind) {
    this.kind = kind;
  }

  @Override
  public String name() {
    return "accuracy";
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated) {
    Class<T> type = pred.type();
    return switch (kind) {
      case SPARSE -> tf.dtypes.cast(tf.math.equal(tf.math.argMax(pred, tf.constant(1)),
          tf.dtypes.cast((Operand<TInt32>) target, TInt64.class)), type);
      case CATEGORICAL -> tf.dtypes.cast(tf.math.equal(tf.math.argMax(pred, tf.constant(1)),
          tf.math.argMax((Operand) target, tf.constant(1))), type);
      case BINARY -> dev.tfgraph.graph.loss.MeanError.meanPerExample(tf, tf.dtypes.cast(tf.math.equal(
          tf.math.greater(pred, tf.constantOfSameType(pred, activated ? 0.5 : 0)),
          tf.math.greater((Operand<T>) target, tf.constantOfSameType(pred, 0.5))), type));
    };
  }
}
