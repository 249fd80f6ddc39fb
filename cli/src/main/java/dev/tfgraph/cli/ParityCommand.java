package dev.tfgraph.cli;

import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.NamedArrays;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  /** What --rtol and --atol default to: a tolerance chosen by the model's family ({@link #defaults}). */
  static final String AUTO = "auto";
  @Option(names = "--rtol", converter = Tol.class, defaultValue = AUTO, description = "relative tolerance, finite, >= 0 (default auto: 1e-4, or 1e-2 for a float32 model with a MatrixSqrt of method svd or eigh)") double rtol;
  @Option(names = "--atol", converter = Tol.class, defaultValue = AUTO, description = "absolute tolerance, finite, >= 0 (default auto: 1e-5, or 2e-3 for a float32 model with a MatrixSqrt of method svd or eigh)") double atol;
  @Option(names = "--scale-tol", paramLabel = "T", converter = Tol.class, defaultValue = AUTO, description = "instead of --rtol and --atol: pass when max |got - expected| <= T * max |expected| (the tolerance of an imported Keras model, 1e-4)") double scaleTol;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per run of the model, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  /** A tolerance, or "auto" (NaN here): the default of the model's family. */
  static final class Tol extends Ranges.Doubles {
    Tol() {
      super(0, false, Double.MAX_VALUE, false);
    }

    @Override
    public Double convert(String s) {
      return AUTO.equals(s) ? Double.NaN : super.convert(s);
    }
  }

  /** A default tolerance and the family it is for. */
  record Tolerance(double rtol, double atol, String family) {}

  /**
   * float32 models with MatrixSqrt "svd" or "eigh": an eigendecomposition in float32 of the rank-deficient
   * matrices bilinear pooling makes (fewer positions than channels) puts noise of about 1e-7 * |A| on the
   * eigenvalues of its null space, which the square root magnifies: measured up to 3.2e-4 on the built-in
   * models' softmax outputs and 1.7e-3 on reduced variants, while the backbone before it stays below 1e-6.
   */
  static final Tolerance EIGEN_FLOAT32 = new Tolerance(1e-2, 2e-3, "float32 models with MatrixSqrt svd or eigh");
  /** Every other model: float32 rounding through deep backbones stays below 1e-6 on softmax outputs. */
  static final Tolerance GENERAL = new Tolerance(1e-4, 1e-5, "models without a float32 eigendecomposition");

  /**
   * The default tolerance for a model, by its spec in tfgraph.json (docs/models-and-parity.md gives the
   * measurements): {@link #EIGEN_FLOAT32} when a float32 model holds a MatrixSqrt of method "svd" or
   * "eigh", else {@link #GENERAL} (a SavedModel without tfgraph's record too).
   */
  static Tolerance defaults(dev.tfgraph.export.serving.ExportRecord info) {
    if (info == null || !info.dtype().equals("float32")) return GENERAL;
    for (JsonNode l : info.layers()) {
      String method = l.path("method").asText("svd");
      if (l.path("type").asText().equals("MatrixSqrt") && (method.equals("svd") || method.equals("eigh"))) return EIGEN_FLOAT32;
    }
    return GENERAL;
  }

  /**
   * The comparison, separate from I/O so that it can be tested alone: the largest absolute and
   * relative errors, the largest |expected| (the output's scale), how many elements fail, the
   * first that fails (-1: none) with what it got and expected, and the element of the largest error.
   */
  record Report(double maxAbs, double maxRel, long failing, long firstFailing, long count, double scale,
      double firstGot, double firstExpected, long worst) {
    /** The largest absolute error relative to the output's scale (max |expected|). */
    double scaledError() {
      return scale > 0 ? maxAbs / scale : maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
  }

  static Report compare(float[] got, double[] want, double rtol, double atol) {
    double[] g = new double[got.length];
    for (int i = 0; i < g.length; i++) g[i] = got[i];
    return compare(g, want, rtol, atol);
  }

  static Report compare(double[] got, double[] want, double rtol, double atol) {
    double maxAbs = 0, maxRel = 0, scale = 0, firstGot = Double.NaN, firstWant = Double.NaN;
    long failing = 0, first = -1, worst = -1;
    for (int i = 0; i < want.length; i++) {
      double g = got[i], e = want[i];
      double abs = Math.abs(g - e);
      boolean pass = Double.isFinite(g) == Double.isFinite(e) && (abs <= atol + rtol * Math.abs(e) || g == e);
      if (!Double.isFinite(g) || !Double.isFinite(e)) abs = g == e ? 0 : Double.POSITIVE_INFINITY;
      if (worst < 0 || abs > maxAbs) {
        maxAbs = abs;
        worst = i;
      }
      if (Double.isFinite(e)) scale = Math.max(scale, Math.abs(e));
      if (e != 0) maxRel = Math.max(maxRel, abs / Math.abs(e));
      if (!pass) {
        failing++;
        if (first < 0) {
          first = i;
          firstGot = g;
          firstWant = e;
        }
      }
    }
    return new Report(maxAbs, maxRel, failing, first, want.length, scale, firstGot, firstWant, worst);
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
      Tolerance auto = defaults(info(p));
      double rtol = Double.isNaN(this.rtol) ? auto.rtol() : this.rtol, atol = Double.isNaN(this.atol) ? auto.atol() : this.atol;
      if (!Double.isNaN(scaleTol)) {   // every element within T of the output's scale: atol T * max |expected|, rtol 0
        if (!Double.isNaN(this.rtol) || !Double.isNaN(this.atol)) {
          throw new BadInputException("--scale-tol replaces --rtol and --atol; give one or the other");
        }
        double scale = 0;
        for (double e : want.toDoubles()) if (Double.isFinite(e)) scale = Math.max(scale, Math.abs(e));
        rtol = 0;
        atol = scaleTol * scale;
      }
      Report r = compare(got.toDoubles(), want.toDoubles(), rtol, atol);
      long[] shape = want.shape();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", p.dir().toString());
      o.put("elements", r.count());
      o.put("max_abs_error", r.maxAbs());
      o.put("max_rel_error", r.maxRel());
      o.put("max_abs_expected", r.scale());
      o.put("scaled_error", r.scaledError());
      o.put("worst_index", r.worst() < 0 ? null : unravel(r.worst(), shape));
      o.put("failing", r.failing());
      o.put("first_failing_index", r.firstFailing() < 0 ? null : unravel(r.firstFailing(), shape));
      if (r.firstFailing() >= 0) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("index", unravel(r.firstFailing(), shape));
        f.put("got", r.firstGot());
        f.put("expected", r.firstExpected());
        f.put("error", Math.abs(r.firstGot() - r.firstExpected()));
        f.put("allowed", atol + rtol * Math.abs(r.firstExpected()));
        o.put("first_failing", f);
      }
      o.put("rtol", rtol);
      o.put("atol", atol);
      String basis = !Double.isNaN(scaleTol) ? "scale_tol " + scaleTol + " of max |expected|"
          : Double.isNaN(this.rtol) || Double.isNaN(this.atol) ? "the default for " + auto.family() : null;
      if (!Double.isNaN(scaleTol)) o.put("scale_tol", scaleTol);
      o.put("tolerance", basis == null ? "given" : basis);
      o.put("pass", r.failing() == 0);
      System.err.println(summary(r, shape, rtol, atol) + (basis == null ? "" : " (" + basis + ")"));
      System.out.println(Json.line(o));
      return r.failing() == 0 ? ExitCodes.OK : ExitCodes.PARITY_FAILED;
    }
  }

  /** The human line on stderr: the verdict, the errors (also against the output's scale), and the first failing element. */
  static String summary(Report r, long[] shape, double rtol, double atol) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "parity %s: %d elements, max abs error %.3g (%.3g of the output's scale, max |expected| %.3g), max rel error %.3g, %d failing at rtol %s, atol %s",
        r.failing() == 0 ? "PASS" : "FAIL", r.count(), r.maxAbs(), r.scaledError(), r.scale(), r.maxRel(), r.failing(), String.valueOf(rtol), String.valueOf(atol)));
    if (r.firstFailing() >= 0) {
      double e = r.firstExpected(), err = Math.abs(r.firstGot() - e);
      b.append(String.format(Locale.ROOT, "; first at %s: got %.9g, expected %.9g, |got - expected| %.3g > %.3g allowed",
          Arrays.toString(unravel(r.firstFailing(), shape)), r.firstGot(), e, err, atol + rtol * Math.abs(e)));
    }
    return b.toString();
  }

  /** The model's tfgraph.json, or null (a foreign SavedModel, or a record too corrupt to tell the family). */
  private static dev.tfgraph.export.serving.ExportRecord info(Predictor p) {
    try {
      return p.record();
    } catch (BadInputException e) {
      return null;
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
