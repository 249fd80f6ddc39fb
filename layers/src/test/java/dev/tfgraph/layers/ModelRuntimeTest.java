package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.normalization.BatchNormalization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.NpyArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Session;

/** The runtime on a model graph: weights in and out, prediction in batches, relocation; the graph alone runs nothing. */
class ModelRuntimeTest {
  private static Model mlp(String dtype) {
    return Model.builder("mlp", "x", 5).dtype(dtype).add(new Dense("fc", 7, "relu")).add(new BatchNormalization("bn"))
        .add(new Dense("head", 3, "softmax")).build();
  }

  private static float[] rows(int n, int width) {
    float[] x = new float[n * width];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i + 0.1);
    return x;
  }

  @Test
  void weightsGoInAndComeOutExactlyInEitherDtype() {
    for (String dtype : List.of("float32", "float64")) {
      try (ModelRuntime rt = ModelRuntime.inference(mlp(dtype))) {
        Map<String, NpyArray> w = rt.initialValues(5);
        rt.setWeights(w);
        Map<String, NpyArray> back = rt.weights();
        assertEquals(w.keySet(), back.keySet());
        for (String k : w.keySet()) {
          if (dtype.equals("float64")) assertArrayEquals(w.get(k).toDoubles(), back.get(k).toDoubles(), k);
          else assertArrayEquals(w.get(k).toFloats(), back.get(k).toFloats(), k);
        }
      }
    }
  }

  @Test
  void aWrongWeightIsNamedAndNothingIsLoaded() {
    try (ModelRuntime rt = ModelRuntime.inference(mlp("float32"))) {
      Map<String, NpyArray> good = rt.initialValues(1);
      rt.setWeights(good);
      Map<String, NpyArray> bad = new LinkedHashMap<>(rt.initialValues(2));
      bad.put("head.kernel", NpyArray.ofFloats(new long[] {7, 4}, new float[28]));
      BadInputException e = assertThrows(BadInputException.class, () -> rt.setWeights(bad));
      assertTrue(e.getMessage().contains("head.kernel") && e.getMessage().contains("[7, 4]") && e.getMessage().contains("[7, 3]"),
          e.getMessage());
      assertArrayEquals(good.get("fc.kernel").toFloats(), rt.weights().get("fc.kernel").toFloats(), "all or nothing");
    }
  }

  @Test
  void predictionDoesNotDependOnHowRowsAreBatchedBeyondRounding() {
    try (ModelRuntime rt = ModelRuntime.inference(mlp("float64"))) {
      rt.initialize(3);
      float[] x = rows(10, 5);
      float[] whole = rt.predict(x, 10, 10);
      float[] inThrees = rt.predict(x, 10, 3);   // 3, 3, 3, 1: the batched-fetch loop's concatenation
      assertEquals(30, whole.length);
      assertArrayEquals(whole, inThrees, 1e-6f);   // float64 math; outputs come back as float32
      BadInputException e = assertThrows(BadInputException.class, () -> rt.predict(List.of(x, x), 10, 4));
      assertTrue(e.getMessage().contains("2 input arrays given, expected 1"), e.getMessage());
    }
  }

  @Test
  void aRelocatedGraphRunsTheSameModel() {
    Model m = mlp("float64");
    float[] x = rows(4, 5);
    try (ModelRuntime rt = ModelRuntime.unopened(ModelGraph.training(m))) {
      assertNull(rt.session(), "built, not yet opened");
      org.tensorflow.Graph before = rt.graph().graph();
      boolean[] reresolved = {false};
      rt.relocate(def -> def, Session::new, () -> reresolved[0] = true, (s, g) -> {
        s.close();
        g.close();
      });
      assertTrue(reresolved[0]);
      assertTrue(before != rt.graph().graph(), "a new graph");
      rt.initialize(9);
      float[] moved = rt.predict(x, 4, 4);
      try (ModelRuntime here = ModelRuntime.inference(m)) {
        here.initialize(9);
        assertArrayEquals(here.predict(x, 4, 4), moved);   // the same graph, batch and weights: bit-equal
      }
    }
  }

  /** Contract names may start with '_' or '-', which TF op names may not: they train, export and reload. */
  @Test
  void namesStartingWithUnderscoreOrDashWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path d) {
    Model m = Model.builder("odd", "-x", 5).add(new Dense("_a", 7, "relu")).add(new Dense("-b", 3, "softmax")).build();
    float[] x = rows(6, 5);
    dev.tfgraph.graph.train.TrainOptions.Builder o = dev.tfgraph.graph.train.TrainOptions.builder();
    o.epochs(1);
    o.batchSize(3);
    o.progress(false);
    Map<String, NpyArray> w;
    try (dev.tfgraph.graph.train.Trainer t = new dev.tfgraph.graph.train.Trainer(m, o.build())) {
      w = t.fit(new dev.tfgraph.graph.data.Dataset(x, new int[] {0, 1, 2, 0, 1, 2}, new long[] {5}), null, null, null).weights();
    }
    assertEquals(java.util.Set.of("_a.kernel", "_a.bias", "-b.kernel", "-b.bias"), w.keySet());
    java.nio.file.Path dir = dev.tfgraph.export.Exporter.export(m, w, d.resolve("m"), null, Map.of()).dir();
    try (ModelRuntime rt = ModelRuntime.inference(m); dev.tfgraph.export.serving.Predictor p = dev.tfgraph.export.serving.Predictor.load(dir)) {
      rt.setWeights(w);
      assertEquals(List.of("-x"), p.inputNames());
      assertArrayEquals(rt.predict(x, 6, 6), p.predict(NpyArray.ofFloats(new long[] {6, 5}, x), 6).toFloats());
    }
  }

  @Test
  void initialValuesNeedNoGraph() {
    Model m = mlp("float32");
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      Map<String, NpyArray> a = ModelRuntime.initialValues(m, 4), b = rt.initialValues(4);
      for (String k : a.keySet()) assertArrayEquals(a.get(k).toDoubles(), b.get(k).toDoubles(), k);
    }
  }
}
