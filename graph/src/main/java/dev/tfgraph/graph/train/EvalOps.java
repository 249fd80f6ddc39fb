package dev.tfgraph.graph.train;

import dev.tfgraph.graph.train.feed.Batches;
import dev.tfgraph.graph.train.feed.Feed;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;

/**
 * Validation and test, in the graph: an inference pass of the training graph (its variables, training off) with the
 * loss's and each metric's per-example ops summed over a batch, the same ops training averages, in the model's dtype
 * (a float64 model is evaluated in float64). A whole set is its batches' sums, added in Java in double precision.
 */
record EvalOps(Placeholder<?> targets, Operand<? extends TNumber> lossSum, List<Operand<? extends TNumber>> metricSums,
    List<Metric> metrics, int width) {

  /** The ops on {@code mg}'s inputs, under the name scope {@code eval}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static EvalOps build(ModelGraph mg, Loss loss, List<Metric> metrics) {
    Ops tf = mg.tf().withSubScope("eval");
    ModelGraph.TrainingPass pass = mg.addInferencePass(tf, mg.inputs(), loss.logitsOf());
    Placeholder y = Objective.targets(tf.withName("targets"), mg, loss);
    Operand<? extends TNumber> lossSum = tf.withName("loss_sum").reduceSum(loss.perExample(tf, (Operand) pass.output(), y, pass.logits()),
        tf.constant(0));
    Operand shown = Objective.shown(tf, mg, pass, loss);
    boolean activated = mg.endsIn(loss.logitsOf());
    List<Operand<? extends TNumber>> sums = new ArrayList<>();
    for (Metric m : metrics) {
      sums.add(tf.withName(Objective.metricOpName(m) + "_sum").reduceSum(m.perExample(tf, shown, y, activated), tf.constant(0)));
    }
    return new EvalOps(y, lossSum, List.copyOf(sums), List.copyOf(metrics), Math.toIntExact(Shapes.exampleSize(mg.model().outputShape())));
  }

  /** The same handles in {@code mg}'s graph after it was relocated. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  EvalOps relocated(ModelGraph mg) {
    List<Operand<? extends TNumber>> sums = new ArrayList<>();
    for (Operand m : metricSums) sums.add(mg.same(m));
    return new EvalOps(new Placeholder<>(mg.graph().operation(targets.op().name())), mg.same((Operand) lossSum), sums, metrics, width);
  }

  /** The mean loss and metrics over every example of {@code feed} (its batches aligned with the model by the feed). */
  TrainResult.Metrics evaluate(ModelRuntime rt, Feed feed) {
    ModelGraph mg = rt.graph();
    List<org.tensorflow.ndarray.Shape> shapes = mg.model().inputs().stream().map(InputSpec::shape).toList();
    double[] sums = new double[metricSums.size() + 1];   // the loss's, then each metric's
    long[] seen = {0};
    long n = feed.eachBatch(Evaluator.BATCH, b -> {
      checkLabels(b, seen[0], width);
      try (Batches.Batch t = Batches.owned(b, 1, mg.type(), shapes, mg.model().outputShape(), null, 0)) {
        Session.Runner r = rt.session().runner();
        for (int i = 0; i < shapes.size(); i++) r.feed(mg.inputs().get(i), t.x()[0][i]);
        r.feed(targets, t.y()[0]).fetch(lossSum);
        metricSums.forEach(r::fetch);
        try (Result res = r.run()) {
          for (int k = 0; k < sums.length; k++) sums[k] += Tensors.scalar(res.get(k));
        }
      }
      seen[0] += b.size();
    });
    return means(sums, metrics, n);
  }

  /**
   * The means of batch sums over {@code n} examples.
   *
   * @param sums the loss's sum, then each metric's
   * @param metrics the metrics, in the order of their sums
   * @param n the examples summed over
   * @return the loss and each metric by name
   */
  static TrainResult.Metrics means(double[] sums, List<Metric> metrics, long n) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int k = 0; k < metrics.size(); k++) values.put(metrics.get(k).name(), sums[k + 1] / n);
    return new TrainResult.Metrics(sums[0] / n, values, Math.toIntExact(n));
  }

  /** Class labels within the output's {@code width} classes; {@code before}: the examples of the batches before. */
  static void checkLabels(Dataset b, long before, int width) {
    if (b.y() == null) return;
    for (int i = 0; i < b.y().length; i++) {
      if (b.y()[i] >= width) throw new BadInputException("label " + b.y()[i] + " of example " + (before + i) + " is outside [0, " + width + ")");
    }
  }
}
