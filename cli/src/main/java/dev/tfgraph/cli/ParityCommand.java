package dev.tfgraph.cli;

import dev.tfgraph.export.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Npy;
import dev.tfgraph.graph.data.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
  @Option(names = "--rtol", converter = Ranges.NonNegativeFinite.class, description = "relative tolerance, finite, >= 0 (default ${DEFAULT-VALUE})") double rtol = 1e-5;
  @Option(names = "--atol", converter = Ranges.NonNegativeFinite.class, description = "absolute tolerance, finite, >= 0 (default ${DEFAULT-VALUE})") double atol = 1e-6;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per run of the model, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  /** The comparison, separate from I/O so that it can be tested alone. */
  record Report(double maxAbs, double maxRel, long failing, long firstFailing, long count) {}

  static Report compare(float[] got, double[] want, double rtol, double atol) {
    double maxAbs = 0, maxRel = 0;
    long failing = 0, first = -1;
    for (int i = 0; i < want.length; i++) {
      double g = got[i], e = want[i];
      double abs = Math.abs(g - e);
      boolean pass = Double.isFinite(g) == Double.isFinite(e) && (abs <= atol + rtol * Math.abs(e) || g == e);
      if (!Double.isFinite(g) || !Double.isFinite(e)) abs = g == e ? 0 : Double.POSITIVE_INFINITY;
      maxAbs = Math.max(maxAbs, abs);
      if (e != 0) maxRel = Math.max(maxRel, abs / Math.abs(e));
      if (!pass) {
        failing++;
        if (first < 0) first = i;
      }
    }
    return new Report(maxAbs, maxRel, failing, first, want.length);
  }

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
      Report r = compare(got.toFloats(), want.toDoubles(), rtol, atol);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", p.dir().toString());
      o.put("elements", r.count());
      o.put("max_abs_error", r.maxAbs());
      o.put("max_rel_error", r.maxRel());
      o.put("failing", r.failing());
      o.put("first_failing_index", r.firstFailing() < 0 ? null : unravel(r.firstFailing(), want.shape()));
      o.put("rtol", rtol);
      o.put("atol", atol);
      o.put("pass", r.failing() == 0);
      System.err.printf(java.util.Locale.ROOT, "parity %s: %d elements, max abs error %.3g, max rel error %.3g, %d failing%s%n",
          r.failing() == 0 ? "PASS" : "FAIL", r.count(), r.maxAbs(), r.maxRel(), r.failing(),
          r.firstFailing() < 0 ? "" : ", first at " + Arrays.toString(unravel(r.firstFailing(), want.shape())));
      System.out.println(Json.line(o));
      return r.failing() == 0 ? Main.OK : Main.PARITY_FAILED;
    }
  }

  static long[] unravel(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = flat % shape[i];
      flat /= shape[i];
    }
    return idx;
  }
}
