package dev.tfgraph.cli;

import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.export.serving.SavedModelInfo;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "weights", mixinStandardHelpOptions = true,
    description = "Writes an exported model's weights to .npz by <layer>.<weight>, so another language can rebuild it.")
public final class WeightsCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "the exported model: a version folder, or a base folder (its newest version)") Path model;
  @Option(names = "--out", required = true, paramLabel = "FILE.npz", description = "where to write the weights, keyed <layer>.<weight>") Path out;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    OutputPaths.file("--out", out, model);
    try (Predictor p = ModelDir.open(model, trusted)) {
      var w = SavedModelInfo.weights(p);
      try {
        Npz.write(out, w);
      } catch (IOException e) {
        throw new RunFailedException("cannot write " + out + ": " + dev.tfgraph.graph.io.IoErrors.describe(out, e), e);
      }
      System.err.println("wrote " + w.size() + " weights: " + w.keySet());
      System.out.println(out);
    }
    return ExitCodes.OK;
  }
}
