package dev.tfgraph.cli.options;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.export.serving.ExportRecord;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import picocli.CommandLine.Option;

/**
 * parity's tolerances: --rtol and --atol, or --scale-tol, each defaulting to "auto", the tolerance of
 * the model's family ({@link #defaults}).
 */
public final class ParityTolerances {
  /** What --rtol and --atol default to: a tolerance chosen by the model's family ({@link #defaults}). */
  public static final String AUTO = "auto";
  @Option(names = "--rtol", converter = Tol.class, defaultValue = AUTO, description = "relative tolerance, finite, >= 0 (default auto: 1e-4, or 1e-2 for a float32 model with a MatrixSqrt of method svd or eigh)") double rtol;
  @Option(names = "--atol", converter = Tol.class, defaultValue = AUTO, description = "absolute tolerance, finite, >= 0 (default auto: 1e-5, or 2e-3 for a float32 model with a MatrixSqrt of method svd or eigh)") double atol;
  @Option(names = "--scale-tol", paramLabel = "T", converter = Tol.class, defaultValue = AUTO, description = "instead of --rtol and --atol: pass when max |got - expected| <= T * max |expected| (the tolerance of an imported Keras model, 1e-4)") double scaleTol;

  /** A tolerance, or "auto" (NaN here): the default of the model's family. */
  static final class Tol extends NumberConverters.Doubles {
    Tol() {
      super(0, false, Double.MAX_VALUE, false);
    }

    @Override
    public Double convert(String s) {
      return AUTO.equals(s) ? Double.NaN : super.convert(s);
    }
  }

  /** A default tolerance and the family it is for. */
  public record Tolerance(double rtol, double atol, String family) {}

  /**
   * float32 models with MatrixSqrt "svd" or "eigh": an eigendecomposition in float32 of the rank-deficient
   * matrices bilinear pooling makes (fewer positions than channels) puts noise of about 1e-7 * |A| on the
   * eigenvalues of its null space, which the square root magnifies: measured up to 3.2e-4 on the built-in
   * models' softmax outputs and 1.7e-3 on reduced variants, while the backbone before it stays below 1e-6.
   */
  public static final Tolerance EIGEN_FLOAT32 = new Tolerance(1e-2, 2e-3, "float32 models with MatrixSqrt svd or eigh");
  /** Every other model: float32 rounding through deep backbones stays below 1e-6 on softmax outputs. */
  public static final Tolerance GENERAL = new Tolerance(1e-4, 1e-5, "models without a float32 eigendecomposition");

  /**
   * The default tolerance for a model, by its spec in tfgraph.json (docs/models-and-parity.md gives the
   * measurements): {@link #EIGEN_FLOAT32} when a float32 model holds a MatrixSqrt of method "svd" or
   * "eigh", else {@link #GENERAL} (a SavedModel without tfgraph's record too).
   */
  public static Tolerance defaults(ExportRecord info) {
    if (info == null || !info.dtype().equals("float32")) return GENERAL;
    for (JsonNode l : info.layers()) {
      String method = l.path("method").asText("svd");
      if (l.path("type").asText().equals("MatrixSqrt") && (method.equals("svd") || method.equals("eigh"))) return EIGEN_FLOAT32;
    }
    return GENERAL;
  }

  /**
   * The tolerances of one comparison.
   *
   * @param basis where they come from ("scale_tol T of max |expected|", "the default for ..."), or null when given
   * @param scaleTol --scale-tol, or NaN
   */
  public record Chosen(double rtol, double atol, String basis, double scaleTol) {}

  /** The tolerances for a model's outputs against {@code want}: as given, the family's default, or --scale-tol's. */
  public Chosen choose(ExportRecord info, NpyArray want) {
    Tolerance auto = defaults(info);
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
    String basis = !Double.isNaN(scaleTol) ? "scale_tol " + scaleTol + " of max |expected|"
        : Double.isNaN(this.rtol) || Double.isNaN(this.atol) ? "the default for " + auto.family() : null;
    return new Chosen(rtol, atol, basis, scaleTol);
  }
}
