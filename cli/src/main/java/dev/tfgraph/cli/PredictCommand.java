package dev.tfgraph.cli;

import dev.tfgraph.export.Predictor;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.Npy;
import dev.tfgraph.graph.data.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Runs serving_default on .npy inputs and writes float32 outputs as .npy. A model of several inputs",
        "takes --input NAME=FILE.npy once per input, or one .npz keyed by input names."})
public final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "version folder or base folder (newest version)") Path model;
  @Option(names = "--input", required = true, paramLabel = "X.npy|NAME=X.npy|X.npz") List<String> inputs;
  @Option(names = "--output", required = true, paramLabel = "Y.npy") Path output;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = ">= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--check-finite", negatable = true, description = "fail (exit 3) on NaN or Inf outputs (default: off)") boolean checkFinite;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose") boolean verbose;

  @Override
  public Integer call() {
    OutputPaths.file("--output", output, model, NamedArrays.files(inputs).toArray(Path[]::new));
    Map<String, NpyArray> xs = NamedArrays.read("--input", inputs);
    try (Predictor p = ModelDir.open(model, trusted)) {
      NpyArray y = p.predict(NamedArrays.forInputs(xs, p.inputNames()), batchSize);
      if (checkFinite) Finite.check(y, "output of " + p.dir());
      try {
        Npy.write(output, y);
      } catch (IOException e) {
        throw new RunFailedException("cannot write " + output + ": " + dev.tfgraph.graph.IoErrors.describe(output, e), e);
      }
      System.out.println(output);
    }
    return Main.OK;
  }
}
