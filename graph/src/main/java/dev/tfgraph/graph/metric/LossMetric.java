package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** A loss's own formula reported as a metric ("mse", "mae"), as Keras reports a loss name given as a metric. */
public final class LossMetric implements Metric {
  private final Loss loss;

  /**
   * A loss reported as a metric under the loss's name (mse, mae).
   *
   * @param loss the loss, applied to the outputs as they are
   */
  public LossMetric(Loss loss) {
    this.loss = loss;
  }

  @Override
  public String name() {
    return loss.name();
  }

  @Override
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated) {
    return loss.perExample(tf, pred, target, !activated);
  }
}
