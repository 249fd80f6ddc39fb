package dev.tfgraph.graph;

import dev.tfgraph.graph.data.NpyArray;
import java.util.List;
import java.util.Map;

/**
 * What a training run did: per-epoch history, totals and the final weights. {@code dataWaitPct} is
 * the time spent waiting for the next batch (prepared on a background thread) as a percentage of
 * the time spent in steps.
 */
public record TrainResult(List<Epoch> history, long steps, double seconds, double msPerStep, double dataWaitPct,
    double trainLoss, double trainAccuracy, Metrics test, String stopReason,
    Map<String, NpyArray> weights) {

  public record Epoch(int epoch, double trainLoss, double trainAccuracy, double valLoss,
      double valAccuracy, double learningRate, double seconds) {}

  /**
   * Loss and metrics on a set: {@code accuracy} is the run's metric (accuracy for classification,
   * mean squared error for regression); {@code mse} and {@code mae} for regression and
   * {@code top5} (top-5 accuracy, more than 5 classes) are NaN where they do not apply.
   */
  public record Metrics(double loss, double accuracy, int examples, double mse, double mae, double top5) {
    public Metrics(double loss, double accuracy, int examples) {
      this(loss, accuracy, examples, Double.NaN, Double.NaN, Double.NaN);
    }
  }
}
