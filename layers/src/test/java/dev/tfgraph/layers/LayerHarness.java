package dev.tfgraph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.testkit.LayerGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Runs one layer on a golden case from testdata/layers (written by gen_layers.py), on the same
 * {@link LayerGraph} as the public {@link dev.tfgraph.testkit.LayerCheck}: forward in float32 or
 * float64, gradients of L = Σ g·y by addGradients, and central finite differences of L in float64.
 */
public final class LayerHarness extends LayerGraph {
  static final Path DIR = Path.of("..", "testdata", "layers");
  static final ObjectMapper JSON = new ObjectMapper();

  public final JsonNode json;
  public final Map<String, NpyArray> data;

  public static JsonNode caseJson(String name) {
    try {
      return JSON.readTree(Files.readString(DIR.resolve(name + ".json")));
    } catch (IOException e) {
      throw new IllegalStateException("golden case " + name + " missing: run testdata/layers/gen_layers.py", e);
    }
  }

  public LayerHarness(String caseName, Class<? extends TNumber> type) {
    this(caseName, caseJson(caseName), Npz.read(DIR.resolve(caseName + ".npz")), type);
  }

  private LayerHarness(String caseName, JsonNode json, Map<String, NpyArray> data, Class<? extends TNumber> type) {
    super(LayerRegistry.fromConfig(json.get("layer"), caseName), inputShape(json), data.get("x").shape(), type,
        json.has("training") && json.get("training").asBoolean());
    this.json = json;
    this.data = data;
    setWeights(null);
  }

  private static Shape inputShape(JsonNode json) {
    JsonNode s = json.get("input_shape");
    long[] dims = new long[s.size()];
    for (int i = 0; i < dims.length; i++) dims[i] = s.get(i).isNull() ? -1 : s.get(i).asLong();
    return Shape.of(dims);
  }

  /** Weights from the case file, with optional replacements by weight name. */
  @Override
  public void setWeights(Map<String, double[]> replace) {
    super.setWeights(caseWeights(replace));
  }

  private Map<String, double[]> caseWeights(Map<String, double[]> replace) {
    Map<String, double[]> w = new LinkedHashMap<>();
    for (WeightSpec s : layer.weights()) {
      w.put(s.name(), replace != null && replace.containsKey(s.name()) ? replace.get(s.name()) : data.get(s.name()).toDoubles());
    }
    return w;
  }

  public double[] x() {
    return data.get("x").toDoubles();
  }

  private double[] upstream() {
    return data.get("g").toDoubles();
  }

  /** Forward on the given input (null: the case's x). */
  @Override
  public double[] forward(double[] input) {
    return super.forward(input == null ? x() : input);
  }

  /** L = Σ g·y at the given input, with the case's g. */
  public double loss(double[] input) {
    return loss(input, upstream());
  }

  /** Gradients of L at the case's x and g: "x" and each trainable weight's name. */
  public Map<String, double[]> gradients() {
    return gradients(x(), upstream());
  }

  /**
   * Central finite difference of L along a random direction D (symmetrised over the last two
   * axes when {@code symmetric}): returns {fd, analytic} with analytic = Σ grad·D.
   */
  public double[] directional(double[] grad, long seed, boolean symmetric, double h) {
    double[] x0 = x();
    double[] d = direction(x0.length, data.get("x").shape(), seed, symmetric);
    if (json.has("fd_skip_zero_inputs") && json.get("fd_skip_zero_inputs").asBoolean()) {
      for (int i = 0; i < d.length; i++) if (x0[i] == 0) d[i] = 0;   // curvature ~ε^-3/2 there: checked against the reference only
    }
    return directional(x0, upstream(), grad, d, h);
  }

  /** The same along a direction in one weight. */
  public double[] directionalWeight(String weight, double[] grad, long seed, double h) {
    double[] d = direction(data.get(weight).toDoubles().length, data.get(weight).shape(), seed, false);
    return directionalWeight(caseWeights(null), weight, x(), upstream(), grad, d, h);
  }

  public double forwardTolerance() {
    JsonNode t = json.get("tolerance");
    return t != null && t.has("forward_rtol") ? t.get("forward_rtol").asDouble() : 1e-5;
  }

  /** Golden forward in float32 against the float64 reference, within the case's tolerance. */
  public static void checkForward32(String caseName) {
    try (LayerHarness h = new LayerHarness(caseName, TFloat32.class)) {
      assertClose(h.data.get("y").toDoubles(), h.forward(null), h.forwardTolerance(), caseName + " forward float32");
    }
  }

  /**
   * Float64: forward to 1e-10, gradients against the generator's (PyTorch float64) to 1e-8,
   * and against central finite differences along random directions to 1e-6.
   */
  public static void checkGradients64(String caseName, boolean symmetricInput) {
    checkGradients64(caseName, symmetricInput, true);
  }

  /** As above; {@code finiteDifferences} false checks against the generator's gradients only. */
  public static void checkGradients64(String caseName, boolean symmetricInput, boolean finiteDifferences) {
    try (LayerHarness h = new LayerHarness(caseName, TFloat64.class)) {
      assertClose(h.data.get("y").toDoubles(), h.forward(null), 1e-10, caseName + " forward float64");
      Map<String, double[]> grads = h.gradients();
      for (var e : grads.entrySet()) {
        String key = e.getKey().equals("x") ? "dx" : "d_" + e.getKey();
        if (h.data.containsKey(key)) assertClose(h.data.get(key).toDoubles(), e.getValue(), 1e-8, caseName + " " + key);
      }
      for (int k = 0; finiteDifferences && k < 3; k++) {
        double[] fx = h.directional(grads.get("x"), 100 + k, symmetricInput, 1e-7);
        assertClose(new double[] {fx[0]}, new double[] {fx[1]}, 1e-6, caseName + " finite difference in x, direction " + k);
        for (var e : grads.entrySet()) {
          if (e.getKey().equals("x")) continue;
          double[] fw = h.directionalWeight(e.getKey(), e.getValue(), 200 + k, 1e-7);
          assertClose(new double[] {fw[0]}, new double[] {fw[1]}, 1e-6, caseName + " finite difference in " + e.getKey());
        }
      }
    }
  }

}
