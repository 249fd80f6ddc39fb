package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.merging.Concatenate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.testkit.LayerGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Spec format_version 2 (docs/model-spec.md): wiring, its build-time errors, the functional builder, and a golden graph model. */
class GraphSpecTest {
  static final Path DIR = Path.of("..", "testdata", "graphs");

  static String spec(String inputs, String layers, String extra) {
    return ("{'format_version': 2, 'name': 'g', 'inputs': [" + inputs + "], 'layers': [" + layers + "]" + extra + "}").replace('\'', '"');
  }

  static final String XS = "{'name': 'x', 'shape': [null, 4]}, {'name': 'side', 'shape': [null, 2]}";

  static void rejects(String json, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(json));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }

  @Test
  void theContractsResidualExampleMatchesNumpy() {
    Model m = Model.load(DIR.resolve("residual.json"));
    assertEquals(List.of("x", "side"), m.inputs().stream().map(i -> i.name()).toList());
    assertEquals(List.of("x", "a"), m.inbound("res"));
    assertEquals(List.of("cat"), m.inbound("head"));
    Map<String, NpyArray> in = Npz.read(DIR.resolve("residual_inputs.npz"));
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      g.setWeights(Npz.read(DIR.resolve("residual_weights.npz")));
      float[] y = g.predict(List.of(in.get("x").toFloats(), in.get("side").toFloats()), 6, 4);
      double[] got = new double[y.length];
      for (int i = 0; i < y.length; i++) got[i] = y[i];
      LayerGraph.assertClose(Npy.read(DIR.resolve("residual_expected.npy")).toDoubles(), got, 1e-6, "residual float32");
    }
  }

  @Test
  void configWritesVersion1ForChainsAndVersion2ForGraphs() {
    Model graph = Model.load(DIR.resolve("residual.json"));
    assertTrue(graph.config().contains("\"format_version\" : 2"), graph.config());
    assertEquals(graph.config(), Model.fromConfig(graph.config()).config());
    // a version-2 spec that is a plain chain with one input is written back as version 1
    Model chain = Model.fromConfig(spec("{'name': 'x', 'shape': [null, 4]}",
        "{'type': 'Dense', 'name': 'd', 'units': 3, 'inbound': ['x']}, {'type': 'Dense', 'name': 'h', 'units': 2}", ", 'outputs': ['h']"));
    assertTrue(chain.isChain());
    assertTrue(chain.config().contains("\"format_version\" : 1") && !chain.config().contains("inbound"), chain.config());
    assertEquals(chain.config(), Model.fromConfig(chain.config()).config());
  }

  @Test
  void wiringErrorsNameTheLayerExpectedAndReceived() {
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['nope']}, {'type': 'Concatenate', 'name': 'c', 'inbound': ['a', 'side']}", ""),
        "Dense 'a'", "inbound \"nope\"", "neither a model input nor a layer", "[x, side]");
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['c']}, {'type': 'Concatenate', 'name': 'c', 'inbound': ['a', 'side']}", ""),
        "Dense 'a'", "inbound \"c\"", "listed after it", "cycle");
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['a']}", ""), "Dense 'a'", "itself", "cycle");
    // the first layer's default inbound is "the only input": with two inputs it must say which
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2}, {'type': 'Concatenate', 'name': 'c', 'inbound': ['a', 'side']}", ""),
        "Dense 'a'", "no inbound given", "2 inputs [x, side]");
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['x']}, {'type': 'Dense', 'name': 'b', 'units': 2, 'inbound': ['side']}, "
        + "{'type': 'Dense', 'name': 'c', 'units': 2, 'inbound': ['b']}", ""), "Dense 'a'", "used by no layer", "not the model's output");
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['x']}", ""), "input 'side' is used by no layer");
    rejects(spec(XS, "{'type': 'Dense', 'name': 'a', 'units': 2, 'inbound': ['x', 'side']}", ""), "Dense 'a'", "exactly 1 inbound", "received 2");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'c', 'inbound': ['x', 'side']}, {'type': 'Dense', 'name': 'h', 'units': 2}", ", 'outputs': ['c']"),
        "outputs names \"c\"", "expected the last layer", "\"h\"");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'c', 'inbound': ['x', 'side']}", ", 'outputs': ['c', 'x']"), "outputs", "exactly one");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'side', 'inbound': ['x', 'side']}", ""), "name of an input", "one namespace");
    rejects(spec("{'name': 'x', 'shape': [null, 4]}, {'name': 'x', 'shape': [null, 4]}", "{'type': 'Add', 'name': 'a', 'inbound': ['x', 'x']}", ""),
        "duplicate input name \"x\"");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'c', 'inbound': 'x'}", ""), "inbound must be a list of strings");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'c', 'inbound': ['x', 'side']}", "").replace("\"format_version\": 2", "\"format_version\": 1"),
        "format_version 2 key", "format_version 1");
    rejects(spec(XS, "{'type': 'Concatenate', 'name': 'c', 'inbound': ['x', 'side']}", ", 'input': {'name': 'z', 'shape': [null, 1]}"),
        "either input or inputs");
    rejects(spec("{'name': 'x', 'shape': [null, 4]}, {'name': 's', 'shape': [null, 4], 'dtype': 'float64'}",
        "{'type': 'Add', 'name': 'a', 'inbound': ['x', 's']}", ""), "input 's' has dtype float64, expected float32");
  }

  @Test
  void theFunctionalBuilderReadsLikeKeras() {
    Functional f = Model.functional("residual");
    Node x = f.input("x", 8), side = f.input("side", 3);
    Node a = new Dense("a", 8, "relu").on(x);
    Node res = new Add("res").on(x, a);
    Model m = f.build(new Dense("head", 4, "softmax").on(new Concatenate("cat").on(res, side)));
    Model fromFile = Model.load(DIR.resolve("residual.json"));
    assertEquals(fromFile.config(), m.config());
    assertTrue(m.summary().contains("Connected to") && m.summary().contains("x, a"), m.summary());
    Functional other = Model.functional("other");
    Node y = other.input("y", 8);
    BadInputException e = assertThrows(BadInputException.class, () -> new Add("bad").on(x, y));
    assertTrue(e.getMessage().contains("belongs to another model"), e.getMessage());
    Dense once = new Dense("once", 8, "linear");
    Functional g = Model.functional("twice");
    Node z = g.input("z", 8);
    once.on(z);
    Node again = once.on(z);   // applied again: a layer that shares its weights (SharedLayersTest)
    assertEquals("once_call2", again.name());
  }

  @Test
  void aTwoInputModelTrainsOnNamedArraysAndIsDeterministic() {
    Model m = Model.load(DIR.resolve("residual.json"));
    SplittableRandom r = new SplittableRandom(3);
    int n = 256;
    float[] x = new float[n * 8], side = new float[n * 3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 8; j++) x[i * 8 + j] = (float) r.nextGaussian();
      for (int j = 0; j < 3; j++) side[i * 3 + j] = (float) r.nextGaussian();
      y[i] = (x[i * 8] > 0 ? 2 : 0) + (side[i * 3] > 0 ? 1 : 0);
    }
    // given in the other order, by name: aligned to the model's inputs
    Dataset d = new Dataset(List.of(new Dataset.Input("side", side, new long[] {3}), new Dataset.Input("x", x, new long[] {8})), y);
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(30);
    o.batchSize(32);
    o.optimizer(dev.tfgraph.graph.optim.Optimizer.Config.of("adam", 0.01));
    o.progress(false);
    TrainResult a, b;
    try (Trainer t = new Trainer(m, o.build())) {
      a = t.fit(d, null, d, null);
    }
    try (Trainer t = new Trainer(Model.load(DIR.resolve("residual.json")), o.build())) {
      b = t.fit(d, null, d, null);
    }
    assertTrue(a.test().accuracy() > 0.9, "a separable two-input task is learnt: " + a.test().accuracy());
    assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "same seed, same run");
    Dataset missing = new Dataset(List.of(new Dataset.Input("x", x, new long[] {8})), y);
    try (Trainer t = new Trainer(m, o.build())) {
      BadInputException e = assertThrows(BadInputException.class, () -> t.fit(missing, null, null, null));
      assertTrue(e.getMessage().contains("no array for the model's input \"side\""), e.getMessage());
    }
    assertFalse(m.isChain());
  }
}
