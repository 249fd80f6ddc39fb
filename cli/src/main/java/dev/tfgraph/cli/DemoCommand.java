package dev.tfgraph.cli;

import dev.tfgraph.cli.options.DataOptions;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.cli.output.ParityReport;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.layers.models.Models;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "The main job: trains ib-cnn on the shipped data, exports it and checks the export's parity.",
    description = {"The main job: trains a built-in model (ib-cnn by default) on the shipped data, exports a",
        "SavedModel, reloads it and checks parity with the in-process model on the test set."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--model", description = "built-in model (default ${DEFAULT-VALUE})") String name = "ib-cnn";
  @Option(names = "--sqrt", description = "ib-cnn's square root (default ${DEFAULT-VALUE})") String sqrt = dev.tfgraph.layers.bilinear.MatrixSqrt.DEFAULT_METHOD;
  @Option(names = "--epochs", converter = Ranges.Positive.class, description = "passes over the training data, >= 1 (default ${DEFAULT-VALUE})") int epochs = 3;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per training step, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 64;
  @Option(names = "--out", description = "export base folder (default ${DEFAULT-VALUE})") Path out = Path.of("out", "main-job");
  @Mixin DataOptions data;
  @Option(names = "--quiet", description = "no progress lines on stderr") boolean quiet;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    OutputPaths.folder("--out", out);
    Model m = Models.create(name, new Models.Options(3, 1, sqrt));
    System.err.print(m.summary());
    Dataset train = data.train(), test = data.test();
    TrainOptions o = TrainOptions.builder().epochs(epochs).batchSize(batchSize).progress(!quiet).build();
    TrainResult r;
    try (Trainer t = new Trainer(m, o)) {
      r = t.fit(train, null, test, null);
    }
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("model", name);
    prov.put("epochs", r.history().size());
    prov.put("test_accuracy", r.test().accuracy());
    Exporter.Result e = Exporter.export(m, r.weights(), out, null, prov);
    long[] shape = {test.size(), 28, 28, 1};
    float[] inProcess;
    try (ModelRuntime mg = ModelRuntime.inference(m)) {
      mg.setWeights(r.weights());
      inProcess = mg.predict(test.x(), test.size(), 256);
    }
    NpyArray reloaded;
    try (Predictor p = Predictor.load(e.dir())) {
      reloaded = p.predict(NpyArray.ofFloats(shape, test.x()), 256);
    }
    ParityReport rep = ParityReport.compare(reloaded.toFloats(), toDoubles(inProcess), 1e-5, 1e-6);
    System.out.printf(java.util.Locale.ROOT, "%s trained %d epochs on %d images in %.1f s (%.1f ms/step): test accuracy %.4f on %d images%n",
        name, r.history().size(), train.size(), r.seconds(), r.msPerStep(), r.test().accuracy(), test.size());
    System.out.printf(java.util.Locale.ROOT, "exported to %s in %.1f s; reloaded export vs in-process model: max abs diff %.3g over %d outputs (%s)%n",
        e.dir(), e.seconds(), rep.maxAbs(), rep.count(), rep.failing() == 0 ? "parity PASS" : "parity FAIL");
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("model", name);
    j.put("epochs", r.history().size());
    j.put("seconds", Json.num(r.seconds(), 2));
    j.put("ms_per_step", Json.num(r.msPerStep(), 2));
    j.put("test_accuracy", Json.num(r.test().accuracy(), 4));
    j.put("export", e.dir().toString());
    j.put("parity_max_abs", rep.maxAbs());
    j.put("parity", rep.failing() == 0);
    System.out.println(Json.line(j));
    if (rep.failing() > 0) throw new RunFailedException("the reloaded export differs from the in-process model");
    return ExitCodes.OK;
  }

  static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
