package dev.tfgraph.graph;

import dev.tfgraph.graph.data.NpyArray;
import java.util.List;
import java.util.Map;

/**
 * What a training run did: per-epoch history, totals and the final weights. {@code dataWaitPct} is
 * the time spent waiting for the next batch (prepared on a background thread) as a percentage of
 * the time spent in steps. Metrics are by name, in the run's metric order ({@link Metric#name()}).
 */
public record TrainResult(List<Epoch> history, long steps, double seconds, double msPerStep, double dataWaitPct,
    double trainLoss, Map<String, Double> trainMetrics, Metrics test, String stopReason,
    Map<String, NpyArray> weights) {

  /** The last epoch's training accuracy (its running mean over the batches), NaN without one. */
  public double trainAccuracy() {
    return trainMetrics.getOrDefault("accuracy", Double.NaN);
  }

  /**
   * One epoch: the running means of the loss and of each metric over its training batches, the
   * validation (or test) loss and metrics after it (NaN and empty without held-out data).
   */
  public record Epoch(int epoch, double trainLoss, Map<String, Double> train, double valLoss, Map<String, Double> val,
      double learningRate, double seconds) {
    public double trainAccuracy() {
      return train.getOrDefault("accuracy", Double.NaN);
    }

    public double valAccuracy() {
      return val.getOrDefault("accuracy", Double.NaN);
    }
  }

  /** Loss and metrics on a set of {@code examples}. */
  public record Metrics(double loss, Map<String, Double> values, int examples) {
    /** The named metric's value, NaN when the run did not report it. */
    public double value(String name) {
      return values.getOrDefault(name, Double.NaN);
    }

    public double accuracy() {
      return value("accuracy");
    }

    public double mse() {
      return value("mse");
    }

    public double mae() {
      return value("mae");
    }

    public double top5() {
      return value("top_5_accuracy");
    }
  }
}
