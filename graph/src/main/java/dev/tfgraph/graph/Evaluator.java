package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.loss.Losses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's loss and metrics on a labelled set, from its inference outputs in Java, with the
 * loss's and each metric's own Java formula ({@link Loss#perExample(float[], int, int, int, float[], boolean)},
 * {@link Metric#perExample(float[], int, int, int, float[], boolean)}): their means over the set.
 */
public final class Evaluator {
  private Evaluator() {}

  /** With the default loss (sparse categorical cross-entropy) and its default metrics. */
  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize) {
    return evaluate(mg, data, batchSize, Losses.builtIn(Losses.DEFAULT, 0));
  }

  /** With {@code loss}'s default metrics ({@link dev.tfgraph.graph.metric.Metrics#defaults}). */
  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize, Loss loss) {
    return evaluate(mg, data, batchSize, loss, dev.tfgraph.graph.metric.Metrics.defaults(loss, width(mg)));
  }

  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize, Loss loss, List<Metric> metrics) {
    float[] out = mg.predict(xs(data), data.size(), batchSize);
    return metrics(out, data, Math.toIntExact(width(mg)), loss, metrics, mg.endsIn(loss.logitsOf()));
  }

  private static long width(ModelGraph mg) {
    return Shapes.exampleSize(mg.model().outputShape());
  }

  /** Each input's rows, in the model's input order (the data is aligned by {@link Trainer}). */
  static List<float[]> xs(Dataset d) {
    return d.inputs().stream().map(Dataset.Input::x).toList();
  }

  /**
   * From outputs of {@code width} values per example and the data's labels or targets;
   * {@code activated}: the outputs went through the loss's {@link Loss#logitsOf()} activation.
   */
  public static TrainResult.Metrics metrics(float[] out, Dataset data, int width, Loss loss, List<Metric> metrics,
      boolean activated) {
    int n = data.size();
    double sum = 0;
    double[] m = new double[metrics.size()];
    float[] t = data.targets() == null ? null : data.targets().x();
    for (int i = 0; i < n; i++) {
      int off = i * width;
      int label = data.y() == null ? -1 : data.y()[i];
      if (label >= width) throw new BadInputException("label " + label + " of example " + i + " is outside [0, " + width + ")");
      sum += loss.perExample(out, off, width, label, t, activated);
      for (int k = 0; k < m.length; k++) m[k] += metrics.get(k).perExample(out, off, width, label, t, activated);
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (int k = 0; k < m.length; k++) values.put(metrics.get(k).name(), m[k] / n);
    return new TrainResult.Metrics(sum / n, values, n);
  }
}
