package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.data.DataSource;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.train.feed.Feed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A model's loss and metrics on a labelled set, always by the loss's and each metric's own graph ops
 * ({@link Loss#perExample}, {@link Metric#perExample}) summed over a batch and added over the set in double precision:
 * a model tfgraph can rebuild is evaluated as training evaluates it ({@link EvalOps}); any other model's outputs (a
 * SavedModel tfgraph did not export) are fed to a small graph of the same ops.
 */
public final class Evaluator {
  /** Examples predicted at a time. */
  public static final int BATCH = 512;

  private Evaluator() {}

  /**
   * The loss and metrics of any model on every example of {@code data}, batch by batch (resident memory: one batch):
   * {@code check} aligns a batch with the model's inputs, {@code predict} gives its outputs [batch, ...] (float32 or
   * float64, evaluated in that dtype, each example's flattened; {@code activated}: they went through the loss's {@link Loss#logitsOf()}
   * activation, which the loss's ops take back to logits with {@link Losses#logitsFrom}). Examples a source skips as
   * bad are not counted.
   *
   * @param data the labelled examples
   * @param check aligns and checks each batch
   * @param predict the model's outputs for a batch, [batch, ...] float32 or float64
   * @param loss the loss
   * @param metrics the metrics, in report order
   * @param activated true when the outputs went through the loss's activation (softmax, sigmoid)
   * @return the mean loss and each metric's mean, and the number of examples
   * @throws BadInputException when no example is left, a label is outside the outputs' width, or
   *     activated outputs cannot be taken back to logits
   */
  public static TrainResult.Metrics evaluate(DataSource data, UnaryOperator<Dataset> check, Function<Dataset, NpyArray> predict,
      Loss loss, List<Metric> metrics, boolean activated) {
    OutputOps[] ops = {null};
    double[] sums = new double[metrics.size() + 1];
    long[] seen = {0};
    try {
      long n = new Feed(data, check).eachBatch(BATCH, b -> {
        NpyArray out = predict.apply(b);
        if (ops[0] == null) ops[0] = new OutputOps(out, loss, metrics, activated);
        EvalOps.checkLabels(b, seen[0], ops[0].width);
        double[] s = ops[0].sums(out, b);
        for (int k = 0; k < sums.length; k++) sums[k] += s[k];
        seen[0] += b.size();
      });
      return EvalOps.means(sums, metrics, n);
    } finally {
      if (ops[0] != null) ops[0].close();
    }
  }

  /**
   * {@code model} with {@code weights} on every example of {@code data}, by the loss's and metrics' own graph ops (as a
   * training run's validation and test), in the model's dtype; each batch's inputs matched to the model's by name.
   *
   * @param model a built model
   * @param weights every weight by key, shaped as the model declares
   * @param data the labelled examples
   * @param loss the loss
   * @param metrics the metrics, in report order
   * @return the mean loss and each metric's mean, and the number of examples
   * @throws BadInputException when a weight is missing or misshapen, or the data does not fit the model
   */
  public static TrainResult.Metrics evaluate(Model model, Map<String, NpyArray> weights, DataSource data, Loss loss, List<Metric> metrics) {
    ModelGraph mg = ModelGraph.inference(model);
    EvalOps ops = EvalOps.build(mg, loss, metrics);   // the whole graph before its session
    try (ModelRuntime rt = ModelRuntime.open(mg, null)) {
      rt.setWeights(weights);
      return ops.evaluate(rt, new Feed(data, d -> Feed.checkData(d, model, loss, "evaluation")));
    }
  }

  /** The loss's and metrics' batch sums on outputs fed in: placeholders for the outputs (their dtype and shape) and targets. */
  private static final class OutputOps implements AutoCloseable {
    final Graph g = new Graph();
    final Session s = new Session(g);
    final Class<? extends TNumber> type;
    final Shape shape;
    final int width;
    final Placeholder<?> out;
    final Placeholder<?> targets;
    final List<Operand<?>> sums = new ArrayList<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    OutputOps(NpyArray first, Loss loss, List<Metric> metrics, boolean activated) {
      this.width = Math.toIntExact(Arrays.stream(first.shape()).skip(1).reduce(1, (a, b) -> a * b));
      this.shape = Shape.of(-1, width);   // each example's outputs flat, as [batch, classes]
      this.type = first.kind() == NpyArray.Kind.FLOAT64 ? TFloat64.class : TFloat32.class;
      try {
        Ops tf = Ops.create(g).withSubScope("eval");
        out = tf.withName("outputs").placeholder(type, Placeholder.shape(shape));
        targets = loss.sparse() ? tf.withName("targets").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)))
            : tf.withName("targets").placeholder(type, Placeholder.shape(shape));
        boolean logits = activated && loss.logitsOf() != null;
        Operand pred = logits ? Losses.logitsFrom(tf, loss.logitsOf(), (Operand) out) : out;
        if (pred == null) {
          throw new BadInputException("evaluation: outputs that went through " + loss.logitsOf() + " cannot be taken back to logits for loss "
              + loss.name() + "; expected softmax or sigmoid");
        }
        sums.add(tf.withName("loss_sum").reduceSum(loss.perExample(tf, pred, targets, logits), tf.constant(0)));
        for (Metric m : metrics) {
          sums.add(tf.withName(Objective.metricOpName(m) + "_sum").reduceSum(m.perExample(tf, (Operand) out, targets, activated),
              tf.constant(0)));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /** {loss sum, each metric's sum} over one batch's outputs and targets. */
    double[] sums(NpyArray outputs, Dataset b) {
      Shape batch = Shape.of(b.size(), width);
      try (Tensor o = type == TFloat64.class ? Tensors.of(type, batch, outputs.toDoubles()) : Tensors.of(type, batch, outputs.toFloats());
          Tensor t = b.y() != null ? Tensors.labels(b.y(), 0, b.size()) : Tensors.of(type, batch, b.targets().x())) {
        Session.Runner r = s.runner().feed(out, o).feed(targets, t);
        sums.forEach(r::fetch);
        try (Result res = r.run()) {
          double[] v = new double[sums.size()];
          for (int k = 0; k < v.length; k++) v[k] = Tensors.scalar(res.get(k));
          return v;
        }
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }
}
