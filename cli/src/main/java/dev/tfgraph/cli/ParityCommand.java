package dev.tfgraph.cli;

import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.NamedArrays;
import dev.tfgraph.cli.options.ParityTolerances;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.cli.output.ParityReport;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "parity", mixinStandardHelpOptions = true,
    header = "Compares an exported model's outputs with expected ones; exit 1 if any element fails.",
    description = {"An element passes when",
        "|got - expected| <= atol + rtol * |expected|. Exit 1 if any element fails (non-finite outputs fail too)."})
public final class ParityCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "the exported model: a version folder, or a base folder (its newest version)") Path model;
  @Option(names = "--input", required = true, paramLabel = "X.npy|NAME=X.npy|X.npz",
      description = "the input; several inputs: NAME=FILE.npy once per input, or one .npz keyed by input names") List<String> inputs;
  @Option(names = "--expected", required = true, paramLabel = "Y.npy", description = "the reference outputs, e.g. computed in float64 by another implementation") Path expected;
  @Mixin ParityTolerances tolerances;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per run of the model, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    Map<String, NpyArray> xs = NamedArrays.read("--input", inputs);
    NpyArray want = Npy.read(expected);
    if (!want.isFloating()) throw new BadInputException(expected + ": expected float32 or float64, received " + want.dtypeName());
    try (Predictor p = ModelDir.open(model, trusted)) {
      NpyArray got = p.predict(NamedArrays.forInputs(xs, p.inputNames()), batchSize);
      if (!Arrays.equals(got.shape(), want.shape())) {
        throw new BadInputException("the model's output has shape " + got.shapeString() + ", expected (from "
            + expected + ") " + want.shapeString());
      }
      ParityTolerances.Chosen tol = tolerances.choose(info(p), want);
      double rtol = tol.rtol(), atol = tol.atol(), scaleTol = tol.scaleTol();
      ParityReport r = ParityReport.compare(got.toDoubles(), want.toDoubles(), rtol, atol);
      long[] shape = want.shape();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", p.dir().toString());
      o.put("elements", r.count());
      o.put("max_abs_error", r.maxAbs());
      o.put("max_rel_error", r.maxRel());
      o.put("max_abs_expected", r.scale());
      o.put("scaled_error", r.scaledError());
      o.put("worst_index", r.worst() < 0 ? null : ParityReport.unravel(r.worst(), shape));
      o.put("failing", r.failing());
      o.put("first_failing_index", r.firstFailing() < 0 ? null : ParityReport.unravel(r.firstFailing(), shape));
      if (r.firstFailing() >= 0) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("index", ParityReport.unravel(r.firstFailing(), shape));
        f.put("got", r.firstGot());
        f.put("expected", r.firstExpected());
        f.put("error", Math.abs(r.firstGot() - r.firstExpected()));
        f.put("allowed", atol + rtol * Math.abs(r.firstExpected()));
        o.put("first_failing", f);
      }
      o.put("rtol", rtol);
      o.put("atol", atol);
      String basis = tol.basis();
      if (!Double.isNaN(scaleTol)) o.put("scale_tol", scaleTol);
      o.put("tolerance", basis == null ? "given" : basis);
      o.put("pass", r.failing() == 0);
      System.err.println(ParityReport.summary(r, shape, rtol, atol) + (basis == null ? "" : " (" + basis + ")"));
      System.out.println(Json.line(o));
      return r.failing() == 0 ? ExitCodes.OK : ExitCodes.PARITY_FAILED;
    }
  }

  /** The model's tfgraph.json, or null (a foreign SavedModel, or a record too corrupt to tell the family). */
  private static dev.tfgraph.export.serving.ExportRecord info(Predictor p) {
    try {
      return p.record();
    } catch (BadInputException e) {
      return null;
    }
  }
}
