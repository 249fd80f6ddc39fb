package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
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
  public static TrainResult.Metrics evaluate(ModelRuntime rt, Dataset data, int batchSize) {
    return evaluate(rt, data, batchSize, Losses.builtIn(Losses.DEFAULT, 0));
  }

  /** With {@code loss}'s default metrics ({@link dev.tfgraph.graph.metric.Metrics#defaults}). */
  public static TrainResult.Metrics evaluate(ModelRuntime rt, Dataset data, int batchSize, Loss loss) {
    return evaluate(rt, data, batchSize, loss, dev.tfgraph.graph.metric.Metrics.defaults(loss, width(rt)));
  }

  public static TrainResult.Metrics evaluate(ModelRuntime rt, Dataset data, int batchSize, Loss loss, List<Metric> metrics) {
    float[] out = rt.predict(xs(data), data.size(), batchSize);
    return metrics(out, data, Math.toIntExact(width(rt)), loss, metrics, rt.graph().endsIn(loss.logitsOf()));
  }

  private static long width(ModelRuntime rt) {
    return Shapes.exampleSize(rt.model().outputShape());
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
    Sums s = new Sums(width, loss, metrics, activated);
    s.add(out, data.y(), data.targets() == null ? null : data.targets().x(), data.size());
    return s.means();
  }

  /**
   * As {@link #evaluate(ModelRuntime, Dataset, int, Loss, List)} on a stream of images, one batch at
   * a time (resident memory: the stream's queue); images skipped as bad are not counted.
   */
  public static TrainResult.Metrics evaluate(ModelRuntime rt, ImageStream data, int batchSize, Loss loss, List<Metric> metrics) {
    Sums s = new Sums(Math.toIntExact(width(rt)), loss, metrics, rt.graph().endsIn(loss.logitsOf()));
    try (ImageStream.Epoch e = data.epoch(0, 0, false, batchSize)) {
      for (ImageStream.Batch b; (b = e.next()) != null; ) {
        if (b.n() > 0) s.add(rt.predict(List.of(b.x()), b.n(), batchSize), b.y(), null, b.n());
      }
    }
    if (s.n == 0) throw new BadInputException("no image left to evaluate in " + data.describe() + " after skipping bad ones");
    return s.means();
  }

  /** Running sums of the loss and each metric over examples given batch by batch (a streamed evaluation). */
  public static final class Sums {
    final int width;
    final Loss loss;
    final List<Metric> metrics;
    final boolean activated;
    final double[] m;
    double sum;
    int n;

    public Sums(int width, Loss loss, List<Metric> metrics, boolean activated) {
      this.width = width;
      this.loss = loss;
      this.metrics = metrics;
      this.activated = activated;
      this.m = new double[metrics.size()];
    }

    /** Outputs of {@code rows} examples with their labels (or float targets t, labels null). */
    public void add(float[] out, int[] y, float[] t, int rows) {
      for (int i = 0; i < rows; i++) {
        int off = i * width;
        int label = y == null ? -1 : y[i];
        if (label >= width) throw new BadInputException("label " + label + " of example " + (n + i) + " is outside [0, " + width + ")");
        sum += loss.perExample(out, off, width, label, t, activated);
        for (int k = 0; k < m.length; k++) m[k] += metrics.get(k).perExample(out, off, width, label, t, activated);
      }
      n += rows;
    }

    public int examples() {
      return n;
    }

    public TrainResult.Metrics means() {
      Map<String, Double> values = new LinkedHashMap<>();
      for (int k = 0; k < m.length; k++) values.put(metrics.get(k).name(), m[k] / n);
      return new TrainResult.Metrics(sum / n, values, n);
    }
  }
}
