package dev.tfgraph.graph.loss;

import dev.tfgraph.graph.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Mean over every non-batch axis of (y − t)² ("mse") or |y − t| ("mae"), on the outputs as they are (Keras' MSE, MAE). */
public final class MeanError implements Loss {
  private final boolean squared;

  /**
   * A mean error loss.
   *
   * @param squared true for "mse", false for "mae"
   */
  public MeanError(boolean squared) {
    this.squared = squared;
  }

  @Override public String name() { return squared ? "mse" : "mae"; }
  @Override public boolean sparse() { return false; }
  @Override public String logitsOf() { return null; }
  @Override public boolean classification() { return false; }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits) {
    Operand<T> d = tf.math.sub(pred, (Operand<T>) target);
    return meanPerExample(tf, squared ? tf.math.square(d) : tf.math.abs(d));
  }

  /**
   * The mean over every axis but the batch axis: [batch] (the losses' and the metrics' one).
   *
   * @param <T> the float type
   * @param tf the ops to add to
   * @param e per-element errors, [batch, ...]
   * @return the mean per example, [batch]
   */
  public static <T extends TNumber> Operand<T> meanPerExample(Ops tf, Operand<T> e) {
    int rank = e.shape().numDimensions();
    if (rank == 1) return e;
    int[] axes = new int[rank - 1];
    for (int i = 0; i < axes.length; i++) axes[i] = i + 1;
    return tf.math.mean(e, tf.constant(axes));
  }
}
