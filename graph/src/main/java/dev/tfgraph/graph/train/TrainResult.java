package dev.tfgraph.graph.train;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a training run did: per-epoch history, totals and the final weights. {@code history} holds
 * the epochs this run trained; {@code earlier} the epochs a resumed run's checkpoint recorded
 * before it ({@link #fullHistory()} is both, as an uninterrupted run's). {@code dataWaitPct} is the
 * share of the training loop's time (waiting for the next batch, the step, the listeners) spent
 * waiting for the next batch (prepared on a background thread), in [0, 100]. {@code heldOut} is
 * "val" with a validation split, "test" when the test set is reported each epoch, else null.
 * Metrics are by name, in the run's metric order ({@link Metric#name()}).
 */
public record TrainResult(List<Epoch> history, long steps, double seconds, double msPerStep, double dataWaitPct,
    double trainLoss, Map<String, Double> trainMetrics, Metrics test, String stopReason,
    Map<String, NpyArray> weights, List<Epoch> earlier, String heldOut) {

  /**
   * The last epoch's training accuracy (its running mean over the batches), NaN without one.
   *
   * @return the accuracy in [0, 1], or NaN
   */
  public double trainAccuracy() {
    return trainMetrics.getOrDefault("accuracy", Double.NaN);
  }

  /**
   * Every epoch of the run: those recorded before it resumed, then those it trained.
   *
   * @return a new list, oldest epoch first
   */
  public List<Epoch> fullHistory() {
    List<Epoch> all = new ArrayList<>(earlier);
    all.addAll(history);
    return all;
  }

  /**
   * The run's last epoch (trained now or recorded in the checkpoint it resumed from), or null.
   *
   * @return the last epoch, or null
   */
  public Epoch lastEpoch() {
    return !history.isEmpty() ? history.get(history.size() - 1) : earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
  }


  /** Loss and metrics on a set of {@code examples}. */
  public record Metrics(double loss, Map<String, Double> values, int examples) {
    /**
     * The named metric's value, NaN when the run did not report it.
     *
     * @param name a metric name, e.g. "top_5_accuracy"
     * @return its mean over the examples, or NaN
     */
    public double value(String name) {
      return values.getOrDefault(name, Double.NaN);
    }

    /** {@return the "accuracy" metric in [0, 1], NaN when not reported} */
    public double accuracy() {
      return value("accuracy");
    }

    /** {@return the "mse" metric, NaN when not reported} */
    public double mse() {
      return value("mse");
    }

    /** {@return the "mae" metric, NaN when not reported} */
    public double mae() {
      return value("mae");
    }

    /** {@return the "top_5_accuracy" metric in [0, 1], NaN when not reported} */
    public double top5() {
      return value("top_5_accuracy");
    }
  }
}
