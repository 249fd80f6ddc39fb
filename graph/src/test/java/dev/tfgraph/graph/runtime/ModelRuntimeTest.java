package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.TestLayers.Center;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Session;

/** The runtime on a model graph: weights in and out, prediction in batches, relocation; the graph alone runs nothing. */
class ModelRuntimeTest {
  private static Model mlp(String dtype) {
    return Model.builder("mlp", "x", 5).dtype(dtype).add(new Affine("fc", 7, "relu", true)).add(new Center("center", true))
        .add(new Affine("head", 3, "softmax", true)).build();
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

  @Test
  void initialValuesNeedNoGraph() {
    Model m = mlp("float32");
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      Map<String, NpyArray> a = ModelRuntime.initialValues(m, 4), b = rt.initialValues(4);
      for (String k : a.keySet()) assertArrayEquals(a.get(k).toDoubles(), b.get(k).toDoubles(), k);
    }
  }
}
