package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;

/** Accuracy and mean cross-entropy of a model's inference output on a labelled set. */
public final class Evaluator {
  private Evaluator() {}

  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize) {
    float[] out = mg.predict(xs(data), data.size(), batchSize);
    return metrics(out, data.y(), mg.model().numOutputs(), mg.endsInSoftmax());
  }

  /** Each input's rows, in the model's input order (the data is aligned by {@link Trainer}). */
  static java.util.List<float[]> xs(Dataset d) {
    return d.inputs().stream().map(Dataset.Input::x).toList();
  }

  /** From outputs (probabilities when {@code probabilities}, otherwise logits) and labels. */
  public static TrainResult.Metrics metrics(float[] out, int[] y, int classes, boolean probabilities) {
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < y.length; i++) {
      int off = i * classes;
      int best = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        if (out[off + c] > max) {
          max = out[off + c];
          best = c;
        }
      }
      if (best == y[i]) correct++;
      if (y[i] < 0 || y[i] >= classes) {
        throw new BadInputException("label " + y[i] + " of example " + i + " is outside [0, " + classes + ")");
      }
      if (probabilities) {
        loss -= Math.log(Math.min(Math.max(out[off + y[i]], 1e-7), 1 - 1e-7));
      } else {
        double z = 0;
        for (int c = 0; c < classes; c++) z += Math.exp(out[off + c] - max);
        loss -= out[off + y[i]] - max - Math.log(z);
      }
    }
    return new TrainResult.Metrics(loss / y.length, (double) correct / y.length, y.length);
  }
}
