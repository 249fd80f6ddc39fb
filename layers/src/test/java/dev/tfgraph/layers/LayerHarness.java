package dev.tfgraph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Tensors;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.data.Npz;
import dev.tfgraph.graph.data.NpyArray;
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
 * Runs one layer on a golden case from testdata/layers (written by gen_layers.py): forward in
 * float32 or float64, gradients of L = Σ g·y by addGradients, and central finite differences
 * of L in float64.
 */
public final class LayerHarness implements AutoCloseable {
  static final Path DIR = Path.of("..", "testdata", "layers");
  static final ObjectMapper JSON = new ObjectMapper();

  public final JsonNode json;
  public final Map<String, NpyArray> data;
  public final Layer layer;
  final Shape inputShape;
  final boolean training;
  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  final Session session;
  final Class<? extends TNumber> type;
  final Placeholder<? extends TNumber> x;
  final Placeholder<? extends TNumber> g;
  final Operand<? extends TNumber> y;
  final Operand<? extends TNumber> loss;
  final Map<String, Variable<? extends TType>> vars = new LinkedHashMap<>();
  final Map<String, Placeholder<? extends TNumber>> values = new LinkedHashMap<>();
  final Map<String, Op> assigns = new LinkedHashMap<>();
  final List<Op> updates;

  public static JsonNode caseJson(String name) {
    try {
      return JSON.readTree(Files.readString(DIR.resolve(name + ".json")));
    } catch (IOException e) {
      throw new IllegalStateException("golden case " + name + " missing: run testdata/layers/gen_layers.py", e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public LayerHarness(String caseName, Class<? extends TNumber> type) {
    this.json = caseJson(caseName);
    this.data = Npz.read(DIR.resolve(caseName + ".npz"));
    this.layer = LayerRegistry.fromConfig(json.get("layer"), caseName);
    JsonNode s = json.get("input_shape");
    long[] dims = new long[s.size()];
    for (int i = 0; i < dims.length; i++) dims[i] = s.get(i).isNull() ? -1 : s.get(i).asLong();
    this.inputShape = Shape.of(dims);
    this.training = json.has("training") && json.get("training").asBoolean();
    this.type = type;
    layer.build(inputShape);
    x = tf.withName("x").placeholder(type, Placeholder.shape(Shape.of(data.get("x").shape())));
    for (WeightSpec w : layer.weights()) {
      Variable v = tf.withName(w.varName()).variable(w.shape(), type);
      Placeholder p = tf.placeholder(type, Placeholder.shape(w.shape()));
      vars.put(w.key(), v);
      values.put(w.name(), p);
      assigns.put(w.name(), tf.assign(v, p));
    }
    CallContext ctx = new CallContext(training, vars, training ? tf.constant(new long[] {1, 2}) : null);
    y = layer.call(tf, (Operand) x, ctx);
    updates = ctx.updates();
    g = tf.placeholder(type, Placeholder.shape(y.shape()));
    loss = tf.reduceSum(tf.math.mul((Operand) y, g), tf.constant(allAxes(y.shape().numDimensions())));
    session = new Session(graph);
    setWeights(null);
  }

  static int[] allAxes(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  /** Weights from the case file, with optional replacements by weight name. */
  public void setWeights(Map<String, double[]> replace) {
    if (values.isEmpty()) return;
    Session.Runner r = session.runner();
    List<Tensor> feeds = new ArrayList<>();
    for (WeightSpec w : layer.weights()) {
      double[] v = replace != null && replace.containsKey(w.name()) ? replace.get(w.name()) : data.get(w.name()).toDoubles();
      Tensor t = Tensors.of(type, w.shape(), v);
      feeds.add(t);
      r.feed(values.get(w.name()), t).addTarget(assigns.get(w.name()));
    }
    r.run().close();
    feeds.forEach(Tensor::close);
  }

  public double[] x() {
    return data.get("x").toDoubles();
  }

  /** Forward on the given input (null: the case's x). */
  public double[] forward(double[] input) {
    try (Tensor xt = Tensors.of(type, Shape.of(data.get("x").shape()), input == null ? x() : input);
        Result r = session.runner().feed(x, xt).fetch(y).run()) {
      return Tensors.toDoubles(r.get(0));
    }
  }

  /** L = Σ g·y at the given input (float64 for finite differences). */
  public double loss(double[] input) {
    try (Tensor xt = Tensors.of(type, Shape.of(data.get("x").shape()), input);
        Tensor gt = Tensors.of(type, Shape.of(data.get("g").shape()), data.get("g").toDoubles());
        Result r = session.runner().feed(x, xt).feed(g, gt).fetch(loss).run()) {
      return Tensors.scalar(r.get(0));
    }
  }

  /** Gradients of L by addGradients: "x" and each trainable weight's name. */
  public Map<String, double[]> gradients() {
    List<String> names = new ArrayList<>();
    List<Output<?>> xs = new ArrayList<>();
    names.add("x");
    xs.add(x.asOutput());
    for (WeightSpec w : layer.weights()) {
      if (!w.trainable()) continue;
      names.add(w.name());
      xs.add(vars.get(w.key()).asOutput());
    }
    Output<?>[] grads = graph.addGradients(loss.asOutput(), xs.toArray(new Output<?>[0]));
    Map<String, double[]> out = new LinkedHashMap<>();
    try (Tensor xt = Tensors.of(type, Shape.of(data.get("x").shape()), x());
        Tensor gt = Tensors.of(type, Shape.of(data.get("g").shape()), data.get("g").toDoubles())) {
      Session.Runner r = session.runner().feed(x, xt).feed(g, gt);
      List<Integer> fetched = new ArrayList<>();
      for (int i = 0; i < grads.length; i++) {
        if (!dev.tfgraph.graph.Gradients.isNone(grads[i])) {
          r.fetch(grads[i]);
          fetched.add(i);
        }
      }
      try (Result res = r.run()) {
        for (int i = 0; i < names.size(); i++) {
          int at = fetched.indexOf(i);   // no path from this input to L: the gradient is zero
          out.put(names.get(i), at >= 0 ? Tensors.toDoubles(res.get(at))
              : new double[(int) (i == 0 ? data.get("x").size() : data.get(names.get(i)).size())]);
        }
      }
    }
    return out;
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
    double[] plus = x0.clone(), minus = x0.clone();
    double analytic = 0;
    for (int i = 0; i < x0.length; i++) {
      plus[i] += h * d[i];
      minus[i] -= h * d[i];
      analytic += grad[i] * d[i];
    }
    return new double[] {(loss(plus) - loss(minus)) / (2 * h), analytic};
  }

  /** The same along a direction in one weight. */
  public double[] directionalWeight(String weight, double[] grad, long seed, double h) {
    double[] w0 = data.get(weight).toDoubles();
    double[] d = direction(w0.length, data.get(weight).shape(), seed, false);
    double[] plus = w0.clone(), minus = w0.clone();
    double analytic = 0;
    for (int i = 0; i < w0.length; i++) {
      plus[i] += h * d[i];
      minus[i] -= h * d[i];
      analytic += grad[i] * d[i];
    }
    setWeights(Map.of(weight, plus));
    double lp = loss(x());
    setWeights(Map.of(weight, minus));
    double lm = loss(x());
    setWeights(null);
    return new double[] {(lp - lm) / (2 * h), analytic};
  }

  static double[] direction(int n, long[] shape, long seed, boolean symmetric) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = 2 * r.nextDouble() - 1;
    if (symmetric) {
      int c = (int) shape[shape.length - 1];
      for (int b = 0; b < n / (c * c); b++) {
        for (int i = 0; i < c; i++) {
          for (int j = i + 1; j < c; j++) {
            double avg = (d[b * c * c + i * c + j] + d[b * c * c + j * c + i]) / 2;
            d[b * c * c + i * c + j] = avg;
            d[b * c * c + j * c + i] = avg;
          }
        }
      }
    }
    return d;
  }

  /** |got − want| ≤ tol·max(1, |want|) elementwise, with the worst element named on failure. */
  public static void assertClose(double[] want, double[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    double worst = 0;
    int at = -1;
    for (int i = 0; i < want.length; i++) {
      assertTrue(Double.isFinite(got[i]), what + ": non-finite value " + got[i] + " at " + i);
      double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
      if (err > worst) {
        worst = err;
        at = i;
      }
    }
    double w = worst;
    int a = at;
    assertTrue(worst <= tol, () -> what + ": scaled error " + w + " > " + tol + " at " + a + " (want " + want[a]
        + ", got " + got[a] + ")");
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

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
