package dev.tfgraph.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat64;

/**
 * Checks a layer as the project's own layer tests do (docs/library.md): its config round
 * trip through the registry, the float64 gradient of every input and trainable weight against
 * central finite differences, and export + reload with equal outputs. A failed check throws
 * {@link AssertionError} naming the layer, what was expected and what was received.
 *
 * <pre>{@code
 * LayerCheck.of(new Swish("swish", 1.0), 8).check();      // input [batch, 8]
 * LayerCheck.ofInputs(new Gate("gate"), new long[] {8}, new long[] {8}).check();   // a layer of two inputs
 * }</pre>
 */
public final class LayerCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Layer layer;
  private final long[] exampleShape;
  private final List<long[]> exampleShapes;
  private int batch = 3;
  private long seed = 1;
  private double step = 1e-6;
  private double tolerance = 1e-6;
  private int directions = 3;

  private LayerCheck(Layer layer, List<long[]> exampleShapes) {
    this.layer = layer;
    this.exampleShapes = exampleShapes.stream().map(long[]::clone).toList();
    this.exampleShape = this.exampleShapes.get(0);
  }

  /**
   * A layer (its config is what is checked; it is rebuilt from it) and the input shape without the batch axis.
   *
   * @param layer the layer to check, built or not
   * @param exampleShape its input's shape without the batch axis, e.g. 8 or 5, 5, 3
   * @return the check, with the defaults
   * @throws IllegalArgumentException when no shape is given
   */
  public static LayerCheck of(Layer layer, long... exampleShape) {
    if (exampleShape.length == 0) throw new IllegalArgumentException("LayerCheck: give the input shape without the batch axis");
    return new LayerCheck(layer, List.of(exampleShape));
  }

  /**
   * A layer of several inbound tensors ({@code minInbound() > 1}, e.g. a merge) and each input's shape without the batch axis.
   *
   * @param layer the layer to check
   * @param exampleShapes each input's shape without the batch axis, in inbound order
   * @return the check, with the defaults
   * @throws IllegalArgumentException when no shape, or an empty one, is given
   */
  public static LayerCheck ofInputs(Layer layer, long[]... exampleShapes) {
    if (exampleShapes.length == 0) throw new IllegalArgumentException("LayerCheck: give each input's shape without the batch axis");
    for (long[] s : exampleShapes) {
      if (s.length == 0) throw new IllegalArgumentException("LayerCheck: an input shape is empty; give it without the batch axis");
    }
    return new LayerCheck(layer, List.of(exampleShapes));
  }

  /**
   * Rows in the random input batch (default 3).
   *
   * @param rows at least 1
   * @return this check
   */
  public LayerCheck batch(int rows) {
    this.batch = rows;
    return this;
  }

  /**
   * Seed of the random input, upstream gradient, weights and directions (default 1).
   *
   * @param s any seed
   * @return this check
   */
  public LayerCheck seed(long s) {
    this.seed = s;
    return this;
  }

  /**
   * Finite-difference step h and the allowed scaled error |fd − analytic| / max(1, |analytic|) (defaults 1e-6, 1e-6).
   *
   * @param h the step along each random direction
   * @param tol the allowed scaled error
   * @return this check
   */
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

  /**
   * config() → registry → config() is lossless, so the layer loads from a spec by its type.
   *
   * @return a new layer parsed from the config (the round trip's result)
   * @throws AssertionError when the config is not the same after the round trip
   */
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
    GradientCheck check = new GradientCheck(layer.where(), seed, directions, step, tolerance);
    if (exampleShapes.size() > 1) {
      try (InboundGraph h = new InboundGraph(fresh(), exampleShapes, batch, "float64")) {
        check.inbound(h);
      }
      return;
    }
    long[] xShape = withBatch();
    try (LayerGraph h = new LayerGraph(fresh(), inputShape(), xShape, TFloat64.class, false)) {
      check.single(h, xShape);
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
      Functional f = Model.functional("layercheck");
      Node[] in = new Node[exampleShapes.size()];
      for (int i = 0; i < in.length; i++) in[i] = f.input(in.length == 1 ? "x" : "x" + i, exampleShapes.get(i));
      Model model = f.build(fresh().on(in));
      Map<String, NpyArray> weights;
      SplittableRandom r = new SplittableRandom(seed);
      List<float[]> xs = new ArrayList<>();
      Map<String, NpyArray> feeds = new java.util.LinkedHashMap<>();
      for (int k = 0; k < in.length; k++) {
        long[] s = new long[exampleShapes.get(k).length + 1];
        s[0] = batch;
        System.arraycopy(exampleShapes.get(k), 0, s, 1, s.length - 1);
        float[] x = new float[Math.toIntExact(Shape.of(s).size())];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        xs.add(x);
        feeds.put(in[k].name(), NpyArray.ofFloats(s, x));
      }
      float[] want;
      try (ModelRuntime mg = ModelRuntime.inference(model)) {
        weights = mg.initialValues(seed);
        mg.setWeights(weights);
        want = mg.predict(xs, batch, batch);
      }
      Exporter.Result e = Exporter.export(model, weights, dir, null, Map.of("layercheck", layer.type()));
      try (Predictor p = Predictor.load(e.dir())) {
        float[] got = p.predict(feeds, batch).toFloats();
        double[] w = new double[want.length], gd = new double[got.length];
        for (int i = 0; i < want.length; i++) w[i] = want[i];
        for (int i = 0; i < got.length; i++) gd[i] = got[i];
        FiniteDifferences.assertClose(w, gd, 1e-6, layer.where() + ": output of the exported and reloaded model");
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
