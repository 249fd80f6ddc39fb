package dev.tfgraph.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.Predictor;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.ModelGraph;
import dev.tfgraph.graph.data.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat64;

/**
 * Checks a layer as the project's own layer tests do (CONTRACT.md section 7): its config round
 * trip through the registry, the float64 gradient of every input and trainable weight against
 * central finite differences, and export + reload with equal outputs. A failed check throws
 * {@link AssertionError} naming the layer, what was expected and what was received.
 *
 * <pre>{@code
 * LayerCheck.of(new Swish("swish", 1.0), 8).check();      // input [batch, 8]
 * }</pre>
 */
public final class LayerCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Layer layer;
  private final long[] exampleShape;
  private int batch = 3;
  private long seed = 1;
  private double step = 1e-6;
  private double tolerance = 1e-6;
  private int directions = 3;

  private LayerCheck(Layer layer, long[] exampleShape) {
    this.layer = layer;
    this.exampleShape = exampleShape.clone();
  }

  /** A layer (its config is what is checked; it is rebuilt from it) and the input shape without the batch axis. */
  public static LayerCheck of(Layer layer, long... exampleShape) {
    if (exampleShape.length == 0) throw new IllegalArgumentException("LayerCheck: give the input shape without the batch axis");
    return new LayerCheck(layer, exampleShape);
  }

  /** Rows in the random input batch (default 3). */
  public LayerCheck batch(int rows) {
    this.batch = rows;
    return this;
  }

  /** Seed of the random input, upstream gradient, weights and directions (default 1). */
  public LayerCheck seed(long s) {
    this.seed = s;
    return this;
  }

  /** Finite-difference step h and the allowed scaled error |fd − analytic| / max(1, |analytic|) (defaults 1e-6, 1e-6). */
  public LayerCheck finiteDifferences(double h, double tol) {
    this.step = h;
    this.tolerance = tol;
    return this;
  }

  /** Every check: config round trip, gradients, export and reload. */
  public void check() {
    configRoundTrip();
    gradients();
    exportRoundTrip();
  }

  /** config() → registry → config() is lossless, so the layer loads from a spec by its type. */
  public Layer configRoundTrip() {
    Map<String, Object> config = layer.config();
    Layer copy = fresh();
    if (!JSON.valueToTree(config).equals(JSON.valueToTree(copy.config()))) {
      throw new AssertionError(layer.where() + ": config round trip changed it: wrote " + JSON.valueToTree(config)
          + ", read back " + JSON.valueToTree(copy.config()));
    }
    return copy;
  }

  /** Float64 gradients of L = Σ g·y w.r.t. x and each trainable weight against central finite differences. */
  public void gradients() {
    long[] xShape = withBatch();
    try (LayerGraph h = new LayerGraph(fresh(), inputShape(), xShape, TFloat64.class, false)) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] x = new double[Math.toIntExact(Shape.of(xShape).size())];
      for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
      double[] g = new double[Math.toIntExact(h.y.shape().size())];
      for (int i = 0; i < g.length; i++) g[i] = 2 * r.nextDouble() - 1;
      Map<String, double[]> weights = h.initialWeights(seed);
      h.setWeights(weights);
      Map<String, double[]> grads = h.gradients(x, g);
      for (int k = 0; k < directions; k++) {
        double[] d = LayerGraph.direction(x.length, xShape, seed * 1000 + k, false);
        double[] fx = h.directional(x, g, grads.get("x"), d, step);
        LayerGraph.assertClose(new double[] {fx[0]}, new double[] {fx[1]}, tolerance,
            layer.where() + ": gradient w.r.t. the input against finite differences, direction " + k);
        for (var e : grads.entrySet()) {
          if (e.getKey().equals("x")) continue;
          double[] dw = LayerGraph.direction(e.getValue().length, null, seed * 2000 + k, false);
          double[] fw = h.directionalWeight(weights, e.getKey(), x, g, e.getValue(), dw, step);
          LayerGraph.assertClose(new double[] {fw[0]}, new double[] {fw[1]}, tolerance,
              layer.where() + ": gradient w.r.t. weight " + e.getKey() + " against finite differences, direction " + k);
        }
      }
    }
  }

  /** Exports a one-layer model (weights from the initializers), reloads it, and compares outputs (float32). */
  public void exportRoundTrip() {
    Path dir;
    try {
      dir = Files.createTempDirectory("tfgraph-layercheck-");
    } catch (IOException e) {
      throw new IllegalStateException("LayerCheck: cannot create a temporary folder: " + e.getMessage(), e);
    }
    try {
      Model model = Model.builder("layercheck", "x", exampleShape).add(fresh()).build();
      Map<String, NpyArray> weights;
      float[] x = new float[Math.toIntExact(Shape.of(withBatch()).size())];
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
      float[] want;
      try (ModelGraph mg = ModelGraph.inference(model)) {
        weights = mg.initialValues(seed);
        mg.setWeights(weights);
        want = mg.predict(x, batch, batch);
      }
      Exporter.Result e = Exporter.export(model, weights, dir, null, Map.of("layercheck", layer.type()));
      try (Predictor p = Predictor.load(e.dir())) {
        float[] got = p.predict(NpyArray.ofFloats(withBatch(), x), batch).toFloats();
        double[] w = new double[want.length], gd = new double[got.length];
        for (int i = 0; i < want.length; i++) w[i] = want[i];
        for (int i = 0; i < got.length; i++) gd[i] = got[i];
        LayerGraph.assertClose(w, gd, 1e-6, layer.where() + ": output of the exported and reloaded model");
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary folder left behind
      }
    }
  }

  private Layer fresh() {
    JsonNode config = JSON.valueToTree(layer.config());
    return LayerRegistry.fromConfig(config, layer.where());
  }

  private Shape inputShape() {
    long[] s = new long[exampleShape.length + 1];
    s[0] = -1;
    System.arraycopy(exampleShape, 0, s, 1, exampleShape.length);
    return Shape.of(s);
  }

  private long[] withBatch() {
    long[] s = inputShape().asArray();
    s[0] = batch;
    return s;
  }
}
