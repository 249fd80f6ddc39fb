package dev.tfgraph.graph.train;

import dev.tfgraph.graph.train.feed.Feed;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.data.DataSource;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.runtime.ModelRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A model's loss and metrics on a labelled set, from its inference outputs in Java, with the
 * loss's and each metric's own Java formula ({@link Loss#perExample(float[], int, int, int, float[], boolean)},
 * {@link Metric#perExample(float[], int, int, int, float[], boolean)}): their means over the set.
 */
public final class Evaluator {
  /** Examples predicted at a time. */
  public static final int BATCH = 512;

  private Evaluator() {}

  /**
   * The loss and metrics of any model on every example of {@code data}, batch by batch (resident memory: one batch):
   * {@code check} aligns a batch with the model's inputs, {@code predict} gives its outputs ({@code width} per
   * example; {@code activated}: they went through the loss's {@link Loss#logitsOf()} activation). Examples a source
   * skips as bad are not counted.
   */
  public static TrainResult.Metrics evaluate(DataSource data, UnaryOperator<Dataset> check, Function<Dataset, float[]> predict,
      int width, Loss loss, List<Metric> metrics, boolean activated) {
    Sums s = new Sums(width, loss, metrics, activated);
    new Feed(data, check).eachBatch(BATCH, c -> s.add(predict.apply(c), c.y(), c.targets() == null ? null : c.targets().x(), c.size()));
    return s.means();
  }

  /**
   * {@code model} with {@code weights} on every example of {@code data}, by the loss's and metrics' own graph ops (as a
   * training run's validation and test), in the model's dtype; each batch's inputs matched to the model's by name.
   */
  public static TrainResult.Metrics evaluate(dev.tfgraph.graph.model.Model model, Map<String, dev.tfgraph.graph.io.NpyArray> weights,
      DataSource data, Loss loss, List<Metric> metrics) {
    dev.tfgraph.graph.runtime.ModelGraph mg = dev.tfgraph.graph.runtime.ModelGraph.inference(model);
    EvalOps ops = EvalOps.build(mg, loss, metrics);   // the whole graph before its session
    try (ModelRuntime rt = ModelRuntime.open(mg, null)) {
      rt.setWeights(weights);
      return ops.evaluate(rt, new Feed(data, d -> Feed.checkData(d, model, loss, "evaluation")));
    }
  }

  /** Each input's rows, in the model's input order (the data is aligned by {@link Trainer}). */
  static List<float[]> xs(Dataset d) {
    return d.inputs().stream().map(Dataset.Input::x).toList();
  }

  /** Running sums of the loss and each metric over examples given batch by batch (a streamed evaluation). */
  static final class Sums {
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
