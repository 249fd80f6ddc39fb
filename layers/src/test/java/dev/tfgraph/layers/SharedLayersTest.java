package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.merging.Concatenate;
import dev.tfgraph.layers.merging.Subtract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.testkit.LayerGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * The spec's {@code shares} (a layer applied at several places, Keras' shared layers): a siamese
 * model, one Dense "enc" on inputs a and b, then Subtract and Concatenate, then Dense "head". One
 * weight set, the output by hand in float64, one SGD step equal to the sum of both uses' gradients
 * (central finite differences), config round trip, export, and every refused spec.
 */
class SharedLayersTest {
  static final int N = 5, F = 4, U = 3, O = 2;

  static final String INPUTS = "{'name': 'a', 'shape': [null, 4]}, {'name': 'b', 'shape': [null, 4]}";
  static final String ENC = "{'type': 'Dense', 'name': 'enc', 'units': 3, 'activation': 'tanh', 'inbound': ['a']}";
  static final String TAIL = "{'type': 'Subtract', 'name': 'diff', 'inbound': ['enc', 'enc_b']},"
      + " {'type': 'Concatenate', 'name': 'cat', 'inbound': ['diff', 'enc_b']},"
      + " {'type': 'Dense', 'name': 'head', 'units': 2}";

  static String siamese(String dtype, String sharing) {
    return GraphSpecTest.spec(INPUTS.replace("}", ", 'dtype': '" + dtype + "'}"), ENC + ", " + sharing + ", " + TAIL, "");
  }

  static Model siamese(String dtype) {
    return Model.fromConfig(siamese(dtype,
        "{'type': 'Dense', 'name': 'enc_b', 'units': 3, 'activation': 'tanh', 'inbound': ['b'], 'shares': 'enc'}"));
  }

  static double[] random(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = r.nextDouble(-1, 1);
    return v;
  }

  static Map<String, NpyArray> weights() {
    SplittableRandom r = new SplittableRandom(11);
    Map<String, NpyArray> w = new LinkedHashMap<>();
    w.put("enc.kernel", NpyArray.ofDoubles(new long[] {F, U}, random(r, F * U)));
    w.put("enc.bias", NpyArray.ofDoubles(new long[] {U}, random(r, U)));
    w.put("head.kernel", NpyArray.ofDoubles(new long[] {2 * U, O}, random(r, 2 * U * O)));
    w.put("head.bias", NpyArray.ofDoubles(new long[] {O}, random(r, O)));
    return w;
  }

  /** tanh(x·K + c) for the N rows of x. */
  static double[] dense(double[] x, double[] k, double[] c) {
    double[] y = new double[N * U];
    for (int n = 0; n < N; n++) {
      for (int u = 0; u < U; u++) {
        double s = c[u];
        for (int f = 0; f < F; f++) s += x[n * F + f] * k[f * U + u];
        y[n * U + u] = Math.tanh(s);
      }
    }
    return y;
  }

  /**
   * The siamese model by hand, float64: e1 = enc(a), e2 = enc(b) (each with its own copy of enc's
   * weights, so that a use's gradient can be taken alone), y = [e1 − e2, e2]·H + h.
   */
  static double[] byHand(double[] a, double[] b, double[] k1, double[] c1, double[] k2, double[] c2, double[] hk, double[] hb) {
    double[] e1 = dense(a, k1, c1), e2 = dense(b, k2, c2);
    double[] y = new double[N * O];
    for (int n = 0; n < N; n++) {
      for (int o = 0; o < O; o++) {
        double s = hb[o];
        for (int u = 0; u < U; u++) {
          s += (e1[n * U + u] - e2[n * U + u]) * hk[u * O + o];
          s += e2[n * U + u] * hk[(U + u) * O + o];
        }
        y[n * O + o] = s;
      }
    }
    return y;
  }

  static double mse(double[] y, double[] t) {
    double s = 0;
    for (int i = 0; i < y.length; i++) s += (y[i] - t[i]) * (y[i] - t[i]);
    return s / y.length;        // mean over outputs, then over the batch: the same for equal widths
  }

  @Test
  void oneWeightSetServesBothUses() {
    Model m = siamese("float32");
    assertEquals(List.of("enc.kernel", "enc.bias", "head.kernel", "head.bias"), m.weights().stream().map(WeightSpec::key).toList());
    assertEquals("enc", m.shares("enc_b"));
    assertNull(m.shares("enc"));
    assertSame(m.layer("enc"), m.original(m.layer("enc_b")));
    assertTrue(m.layer("enc_b").weights().isEmpty());
    assertEquals("[None, 3]", dev.tfgraph.graph.Shapes.show(m.layer("enc_b").outputShape()));
    assertEquals(4L * 3 + 3 + 6 * 2 + 2, m.parameterCount());
    assertTrue(m.summary().contains("(shares enc)"), m.summary());
    try (ModelGraph g = ModelGraph.training(m)) {
      assertEquals(List.of("enc.kernel", "enc.bias", "head.kernel", "head.bias"), new ArrayList<>(g.variables().keySet()));
      long vars = 0;
      for (var it = g.graph().operations(); it.hasNext();) if (it.next().type().startsWith("Variable")) vars++;
      assertEquals(4, vars, "one variable per weight of the original");
    }
  }

  @Test
  void theOutputIsTheHandComputationWithTheOriginalsWeights() {
    Model m = siamese("float64");
    Map<String, NpyArray> w = weights();
    SplittableRandom r = new SplittableRandom(5);
    double[] a = random(r, N * F), b = random(r, N * F);
    double[] k = w.get("enc.kernel").toDoubles(), c = w.get("enc.bias").toDoubles();
    double[] want = byHand(a, b, k, c, k, c, w.get("head.kernel").toDoubles(), w.get("head.bias").toDoubles());
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      rt.setWeights(w);
      double[] got = run(rt, a, b);
      LayerGraph.assertClose(want, got, 1e-12, "siamese float64");
    }
  }

  private static double[] run(ModelRuntime rt, double[] a, double[] b) {
    try (Tensor ta = Tensors.of(rt.type(), Shape.of(N, F), a); Tensor tb = Tensors.of(rt.type(), Shape.of(N, F), b);
        var res = rt.session().runner().feed(rt.graph().inputs().get(0), ta).feed(rt.graph().inputs().get(1), tb)
            .fetch(rt.graph().output()).run()) {
      return Tensors.toDoubles(res.get(0));
    }
  }

  /** One SGD step: Δenc = −lr · (gradient through a's use + gradient through b's use), both by central differences. */
  @Test
  void oneSgdStepAddsTheGradientsOfBothUses() {
    Model m = siamese("float64");
    Map<String, NpyArray> w = weights();
    SplittableRandom r = new SplittableRandom(8);
    double[] a = random(r, N * F), b = random(r, N * F), t = random(r, N * O);
    double[] k = w.get("enc.kernel").toDoubles(), c = w.get("enc.bias").toDoubles();
    double[] hk = w.get("head.kernel").toDoubles(), hb = w.get("head.bias").toDoubles();
    double lr = 0.1;
    TrainOptions.Builder o = TrainOptions.builder();
    o.optimizer(Optimizer.Config.of("sgd", lr));
    o.progress(false);
    Map<String, NpyArray> after;
    try (Trainer tr = Trainer.builder(m, o.build()).loss(dev.tfgraph.graph.loss.Losses.builtIn("mse", 0)).build(); Tensor ta = Tensors.of(tr.runtime().type(), Shape.of(N, F), a);
        Tensor tb = Tensors.of(tr.runtime().type(), Shape.of(N, F), b); Tensor tt = Tensors.of(tr.runtime().type(), Shape.of(N, O), t)) {
      tr.runtime().setWeights(w);
      tr.steps().initOptimizer();
      double loss = tr.steps().runStep(new Tensor[] {ta, tb}, tt, 0, lr)[0];
      assertEquals(mse(byHand(a, b, k, c, k, c, hk, hb), t), loss, 1e-12, "the step's loss");
      after = tr.runtime().weights();
    }
    assertEquals(w.keySet(), after.keySet(), "no weight of the sharing layer");
    double h = 1e-6;
    // L(kernel of a's use, bias of a's use, kernel of b's use, bias of b's use)
    BiFunction<double[][], double[], Double> loss = (enc, unused) -> mse(byHand(a, b, enc[0], enc[1], enc[2], enc[3], hk, hb), t);
    for (String key : List.of("enc.kernel", "enc.bias")) {
      int slot = key.equals("enc.kernel") ? 0 : 1;
      double[] base = w.get(key).toDoubles(), moved = after.get(key).toDoubles();
      double[] gA = new double[base.length], gB = new double[base.length];
      for (int i = 0; i < base.length; i++) {
        for (int use = 0; use < 2; use++) {
          double[][] plus = {k.clone(), c.clone(), k.clone(), c.clone()}, minus = {k.clone(), c.clone(), k.clone(), c.clone()};
          plus[slot + 2 * use][i] += h;
          minus[slot + 2 * use][i] -= h;
          double g = (loss.apply(plus, null) - loss.apply(minus, null)) / (2 * h);
          (use == 0 ? gA : gB)[i] = g;
        }
      }
      double[] want = new double[base.length], step = new double[base.length];
      double onlyA = 0, onlyB = 0;
      for (int i = 0; i < base.length; i++) {
        want[i] = -lr * (gA[i] + gB[i]);
        step[i] = moved[i] - base[i];
        onlyA = Math.max(onlyA, Math.abs(step[i] + lr * gA[i]));
        onlyB = Math.max(onlyB, Math.abs(step[i] + lr * gB[i]));
      }
      LayerGraph.assertClose(want, step, 1e-8, key + " step = −lr·(dL/dW through a + through b)");
      assertTrue(onlyA > 1e-4 && onlyB > 1e-4, key + ": each use contributes (" + onlyA + ", " + onlyB + ")");
    }
  }

  @Test
  void configRoundTripKeepsShares(@TempDir Path dir) throws Exception {
    Model m = siamese("float32");
    String config = m.config();
    assertTrue(config.contains("\"format_version\" : 2") && config.contains("\"shares\" : \"enc\""), config);
    assertEquals(1, config.split("\"shares\"", -1).length - 1, config);
    assertEquals(config, Model.fromConfig(config).config());
    // the functional builder: a layer applied again is shared, as in Keras
    Functional f = Model.functional("g");
    Node a = f.input("a", 4), b = f.input("b", 4);
    Dense enc = new Dense("enc", 3, "tanh");
    Node ea = enc.on(a), eb = enc.on(b);
    assertEquals("enc_call2", eb.name());
    Model fm = f.build(new Dense("head", 2, "linear").on(new Concatenate("cat").on(new Subtract("diff").on(ea, eb), eb)));
    assertEquals("enc", fm.shares("enc_call2"));
    assertEquals(config.replace("enc_b", "enc_call2"), fm.config());
    // a chain with a shared layer is written as version 2 (shares is a version-2 key), and read back
    Model chain = Model.fromConfig(GraphSpecTest.spec("{'name': 'x', 'shape': [null, 3]}",
        "{'type': 'Dense', 'name': 'd', 'units': 3}, {'type': 'Dense', 'name': 'd2', 'units': 3, 'shares': 'd'}", ""));
    assertFalse(chain.isChain());
    assertTrue(chain.config().contains("\"format_version\" : 2"), chain.config());
    assertEquals(chain.config(), Model.fromConfig(chain.config()).config());
    // a weights file holds only the original's weights, and loads back
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      rt.initialize(3);
      Npz.write(dir.resolve("w.npz"), rt.weights());
      assertEquals(List.of("enc.kernel", "enc.bias", "head.kernel", "head.bias"), new ArrayList<>(Npz.read(dir.resolve("w.npz")).keySet()));
      rt.setWeights(Npz.read(dir.resolve("w.npz")));
    }
  }

  @Test
  void theExportHasOneSetOfVariablesAndPredictsAsTheRuntime(@TempDir Path dir) {
    Model m = siamese("float32");
    Map<String, NpyArray> w = new LinkedHashMap<>();
    weights().forEach((k, v) -> w.put(k, NpyArray.ofFloats(v.shape(), floats(v.toDoubles()))));
    SplittableRandom r = new SplittableRandom(2);
    float[] a = floats(random(r, N * F)), b = floats(random(r, N * F));
    Path out = Exporter.export(m, w, dir.resolve("m"), null, Map.of()).dir();
    try (ModelRuntime rt = ModelRuntime.inference(m); Predictor p = Predictor.load(out)) {
      rt.setWeights(w);
      long vars = 0;
      for (var it = p.bundle().graph().operations(); it.hasNext();) if (it.next().type().startsWith("Variable")) vars++;
      assertEquals(4, vars, "the SavedModel holds the original's variables only");
      float[] want = rt.predict(List.of(a, b), N, N);
      float[] got = p.predict(Map.of("a", NpyArray.ofFloats(new long[] {N, F}, a), "b", NpyArray.ofFloats(new long[] {N, F}, b)), N).toFloats();
      org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, 1e-6f);
      assertEquals("enc", Model.fromConfig(p.record().spec()).shares("enc_b"), "the exported spec keeps shares");
    }
  }

  private static float[] floats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  @Test
  void aSharedLayerWithoutWeightsAppliesTheSameFunction() {
    Model m = Model.fromConfig(GraphSpecTest.spec(INPUTS,
        "{'type': 'Activation', 'name': 'act', 'activation': 'tanh', 'inbound': ['a']},"
            + " {'type': 'Activation', 'name': 'act_b', 'activation': 'tanh', 'inbound': ['b'], 'shares': 'act'},"
            + " {'type': 'Add', 'name': 'sum', 'inbound': ['act', 'act_b']}", ""));
    assertTrue(m.weights().isEmpty());
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      float[] y = rt.predict(List.of(new float[] {0.5f, 1, 2, -1}, new float[] {1, 0, -2, 3}), 1, 1);
      LayerGraph.assertClose(new double[] {Math.tanh(0.5) + Math.tanh(1), Math.tanh(1), 0, Math.tanh(-1) + Math.tanh(3)},
          new double[] {y[0], y[1], y[2], y[3]}, 1e-6, "tanh(a) + tanh(b)");
    }
  }

  private static String sharing(String layer) {
    return siamese("float32", layer);
  }

  @Test
  void badSharesAreRefusedNamingTheLayer() {
    String dense = "{'type': 'Dense', 'name': 'enc_b', 'units': 3, 'activation': 'tanh', 'inbound': ['b'], 'shares': ";
    GraphSpecTest.rejects(sharing(dense + "'nope'}"), "Dense 'enc_b'", "shares \"nope\"", "not a layer of the model");
    GraphSpecTest.rejects(sharing(dense + "'a'}"), "Dense 'enc_b'", "shares \"a\"", "a model input");
    GraphSpecTest.rejects(sharing(dense + "'enc_b'}"), "Dense 'enc_b'", "itself");
    GraphSpecTest.rejects(sharing(dense + "'head'}"), "Dense 'enc_b'", "shares \"head\"", "listed after it");
    GraphSpecTest.rejects(sharing(dense + "3}"), "layers[1]", "shares must be the name of an earlier layer");
    // another type
    GraphSpecTest.rejects(sharing("{'type': 'Activation', 'name': 'enc_b', 'activation': 'tanh', 'inbound': ['b'], 'shares': 'enc'}"),
        "Activation 'enc_b'", "of type Dense", "expected a layer of type Activation");
    // another config: every differing key named, with both values
    GraphSpecTest.rejects(sharing("{'type': 'Dense', 'name': 'enc_b', 'units': 4, 'activation': 'relu', 'inbound': ['b'], 'shares': 'enc'}"),
        "Dense 'enc_b'", "config differs", "units: 4 here, 3 in 'enc'", "activation: \"relu\" here, \"tanh\" in 'enc'");
    // trainable may differ (the original's governs its weights)
    Model.fromConfig(sharing(dense + "'enc', 'trainable': false}"));
    // a chain of shares: point to the original instead
    GraphSpecTest.rejects(GraphSpecTest.spec("{'name': 'x', 'shape': [null, 3]}",
        "{'type': 'Dense', 'name': 'd', 'units': 3}, {'type': 'Dense', 'name': 'd2', 'units': 3, 'shares': 'd'},"
            + " {'type': 'Dense', 'name': 'd3', 'units': 3, 'shares': 'd2'}", ""),
        "Dense 'd3'", "shares \"d2\", which itself shares \"d\"", "expected shares \"d\"");
    // inbound of another shape than the original was built for
    GraphSpecTest.rejects(GraphSpecTest.spec("{'name': 'x', 'shape': [null, 4]}",
        "{'type': 'Dense', 'name': 'd', 'units': 3}, {'type': 'Dense', 'name': 'd2', 'units': 3, 'shares': 'd'}", ""),
        "Dense 'd2'", "shares \"d\"", "[[None, 4]]", "received [[None, 3]]");
    // a version-1 spec has no shares
    GraphSpecTest.rejects(("{'format_version': 1, 'name': 'g', 'input': {'name': 'x', 'shape': [null, 3]}, 'layers': ["
        + "{'type': 'Dense', 'name': 'd', 'units': 3}, {'type': 'Dense', 'name': 'd2', 'units': 3, 'shares': 'd'}]}").replace('\'', '"'),
        "shares is a format_version 2 key");
  }
}
