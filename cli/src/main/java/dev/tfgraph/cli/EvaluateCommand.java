package dev.tfgraph.cli;

import dev.tfgraph.export.Predictor;
import dev.tfgraph.graph.Evaluator;
import dev.tfgraph.graph.TrainResult;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Accuracy and loss of an exported model; the last stdout line is JSON {accuracy, loss, examples}.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "version folder or base folder (newest version)") Path model;
  @Mixin DataOptions data;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = ">= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose") boolean verbose;

  @Override
  public Integer call() {
    try (Predictor p = ModelDir.open(model, trusted)) {
      DataOptions.Loaded loaded = data.evaluation(modelInputs(p), outputClasses(p));
      Dataset d = loaded.train();
      Map<String, NpyArray> xs = new LinkedHashMap<>();
      for (Dataset.Input in : d.inputs()) {
        long[] shape = new long[in.shape().length + 1];
        shape[0] = d.size();
        System.arraycopy(in.shape(), 0, shape, 1, in.shape().length);
        xs.put(in.name(), NpyArray.ofFloats(shape, in.x()));
      }
      NpyArray out = p.predict(NamedArrays.forInputs(xs, p.inputNames()), batchSize);
      int classes = (int) out.shape()[out.shape().length - 1];
      boolean probs = endsInSoftmax(p);
      TrainResult.Metrics m = Evaluator.metrics(out.toFloats(), d.y(), classes, probs);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", p.dir().toString());
      o.put("accuracy", Json.num(m.accuracy(), 6));
      o.put("loss", Json.num(m.loss(), 6));
      o.put("examples", m.examples());
      if (loaded.skipped() != null) o.put("skipped_images", loaded.skipped());
      System.out.println(Json.line(o));
    }
    return Main.OK;
  }

  /** The signature's inputs as specs (shape with batch), for reading image data to their shape. */
  static java.util.List<dev.tfgraph.graph.InputSpec> modelInputs(Predictor p) {
    java.util.List<dev.tfgraph.graph.InputSpec> out = new java.util.ArrayList<>();
    for (String n : p.inputNames()) out.add(new dev.tfgraph.graph.InputSpec(n, org.tensorflow.ndarray.Shape.of(p.inputShape(n)), "float32"));
    return out;
  }

  static int outputClasses(Predictor p) {
    long[] s = p.outputShape();
    return s.length == 2 && s[1] > 0 ? Math.toIntExact(s[1]) : 0;
  }

  /** From the exported spec when present; otherwise outputs are taken as probabilities if they sum to 1. */
  static boolean endsInSoftmax(Predictor p) {
    var info = p.info();
    var layers = info == null ? null : info.path("spec").path("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) return true;   // absent or malformed: as without a spec
    return "softmax".equals(layers.get(layers.size() - 1).path("activation").asText());
  }
}
