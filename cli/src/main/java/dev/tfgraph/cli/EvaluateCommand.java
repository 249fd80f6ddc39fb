package dev.tfgraph.cli;

import dev.tfgraph.cli.options.DataOptions;
import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.NamedArrays;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Finite;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.train.Evaluator;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.data.DataSource;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Loss and metrics of an exported model; the last stdout line is JSON {accuracy, loss, examples, <metric>...}.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "version folder or base folder (newest version)") Path model;
  @Mixin DataOptions data;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per run of the model, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--loss", description = "the loss to report, as train takes it (default ${DEFAULT-VALUE}); mse, mae, categorical and binary cross-entropy read float targets from --y")
  String loss = dev.tfgraph.graph.loss.Losses.DEFAULT;
  @Option(names = "--metrics", split = ",", paramLabel = "NAME", description = "metrics to report, comma-separated (default: accuracy, with top_5_accuracy past 5 classes; mse,mae for regression)")
  java.util.List<String> metrics;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    dev.tfgraph.graph.Loss lossFn = dev.tfgraph.graph.loss.Losses.get(loss, 0);
    data.floatTargets = !lossFn.sparse();
    try (Predictor p = ModelDir.open(model, trusted)) {
      if (data.streams()) {
        if (!lossFn.sparse()) {
          throw new dev.tfgraph.graph.BadInputException("evaluate: images come with integer class labels; loss " + lossFn.name()
              + " takes float targets (use sparse_categorical_crossentropy)");
        }
        try (ImageStream.Splits sp = data.stream(modelInputs(p), outputClasses(p))) {   // the test split, all images without one
          print(p, lossFn, evaluate(p, lossFn, sp.test() != null ? sp.test() : sp.train()), sp.skipped());
        }
      } else if (data.mapped()) {   // --x read through memory maps, a batch at a time
        print(p, lossFn, evaluate(p, lossFn, data.mappedArrays()), null);
      } else {
        DataOptions.Loaded loaded = data.evaluation(modelInputs(p), outputClasses(p));
        print(p, lossFn, evaluate(p, lossFn, loaded.train()), loaded.skipped());
      }
    }
    return ExitCodes.OK;
  }

  /**
   * The exported model's loss and metrics on every example of {@code source}: a model tfgraph exported is rebuilt from
   * its record and weights and evaluated by the loss's and metrics' graph ops, as training evaluates; a foreign
   * SavedModel's outputs are fed to the same ops.
   */
  private TrainResult.Metrics evaluate(Predictor p, dev.tfgraph.graph.Loss lossFn, DataSource source) {
    int width = Math.toIntExact(dev.tfgraph.graph.Shapes.exampleSize(org.tensorflow.ndarray.Shape.of(p.outputShape())));
    java.util.List<dev.tfgraph.graph.Metric> ms = metrics == null ? dev.tfgraph.graph.metric.Metrics.defaults(lossFn, width)
        : dev.tfgraph.graph.metric.Metrics.get(metrics, lossFn);
    dev.tfgraph.export.serving.ExportRecord r = p.record();
    if (r != null) {
      dev.tfgraph.graph.model.Model m = dev.tfgraph.graph.model.Model.fromConfig(r.spec());
      TrainResult.Metrics g = Evaluator.evaluate(m, dev.tfgraph.export.serving.SavedModelInfo.weights(p), source, lossFn, ms);
      if (Double.isFinite(g.loss())) return g;   // else the pass below names the outputs that are not finite
    }
    return Evaluator.evaluate(source, d -> checked(d, width, lossFn), d -> predict(p, d), lossFn, ms, endsIn(p, lossFn.logitsOf()));
  }


  /** A batch whose float targets have the model's output width. */
  private static Dataset checked(Dataset d, int width, dev.tfgraph.graph.Loss lossFn) {
    if (d.targets() != null && d.targets().x().length != (long) d.size() * width) {
      throw new dev.tfgraph.graph.BadInputException("evaluate: --y targets have shape " + java.util.Arrays.toString(d.targets().shape())
          + " per example, expected [" + width + "] (the model's output, for loss " + lossFn.name() + ")");
    }
    return d;
  }

  /** The model's outputs on one batch, refused when not finite. */
  private NpyArray predict(Predictor p, Dataset d) {
    Map<String, NpyArray> xs = new LinkedHashMap<>();
    for (Dataset.Input in : d.inputs()) {
      long[] shape = new long[in.shape().length + 1];
      shape[0] = d.size();
      System.arraycopy(in.shape(), 0, shape, 1, in.shape().length);
      xs.put(in.name(), NpyArray.ofFloats(shape, in.x()));
    }
    NpyArray out = p.predict(NamedArrays.forInputs(xs, p.inputNames()), batchSize);
    String nonFinite = Finite.describe(out, "evaluate: the model's output");
    if (nonFinite != null) throw new dev.tfgraph.graph.RunFailedException(nonFinite + "; its loss and metrics would mean nothing");
    return out;
  }

  private static void print(Predictor p, dev.tfgraph.graph.Loss lossFn, TrainResult.Metrics m, Integer skipped) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", p.dir().toString());
    o.put("loss_name", lossFn.name());
    o.put("accuracy", Json.num(m.accuracy(), 6));
    o.put("loss", Json.num(m.loss(), 6));
    o.put("examples", m.examples());
    m.values().forEach((k, v) -> o.putIfAbsent(k, Json.num(v, 6)));
    if (skipped != null) o.put("skipped_images", skipped);
    System.out.println(Json.line(o));
  }

  /** The signature's inputs as specs (shape with batch), for reading image data to their shape. */
  static java.util.List<dev.tfgraph.graph.model.InputSpec> modelInputs(Predictor p) {
    java.util.List<dev.tfgraph.graph.model.InputSpec> out = new java.util.ArrayList<>();
    for (String n : p.inputNames()) out.add(new dev.tfgraph.graph.model.InputSpec(n, org.tensorflow.ndarray.Shape.of(p.inputShape(n)), "float32"));
    return out;
  }

  static int outputClasses(Predictor p) {
    long[] s = p.outputShape();
    return s.length == 2 && s[1] > 0 ? Math.toIntExact(s[1]) : 0;
  }

  /**
   * Whether the outputs went through {@code activation} (the loss's logitsOf), from the exported
   * spec's last layer; without a spec, a softmax is assumed (the contract's classifiers end in one).
   */
  static boolean endsIn(Predictor p, String activation) {
    if (activation == null) return false;
    var info = p.record();
    if (info == null) return activation.equals("softmax");   // a foreign SavedModel
    return activation.equals(info.lastActivation());
  }
}
