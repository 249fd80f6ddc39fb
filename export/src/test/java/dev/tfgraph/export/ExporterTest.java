package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.ModelGraph;
import dev.tfgraph.graph.data.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ExporterTest {
  /** Dense, Dropout, BatchNormalization and two seed layers: every kind of weight and inference switch. */
  public static final Path SPEC = Path.of("..", "testdata", "specs", "demo.json");

  public static Model demo() throws java.io.IOException {
    return Model.fromConfig(Files.readString(SPEC));
  }

  public static Map<String, NpyArray> weights(Model m) {
    try (ModelGraph g = ModelGraph.inference(m)) {
      return g.initialValues(3);
    }
  }

  @Test
  void exportsVersionsThatReloadWithIdenticalOutputs(@TempDir Path base) throws Exception {
    Model m = demo();
    Map<String, NpyArray> w = weights(m);
    Exporter.Result r1 = Exporter.export(m, w, base, null, Map.of("note", "test"));
    assertEquals(1, r1.version());
    assertTrue(r1.bitIdentical(), "child JVM output bit-identical to in-process output");
    assertTrue(Files.isRegularFile(base.resolve("1/saved_model.pb")));
    assertTrue(Files.isRegularFile(base.resolve("1/assets.extra/tfgraph.json")));
    assertEquals(2, Exporter.export(m, w, base, null, Map.of()).version());
    float[] x = Exporter.probe(m, 5);
    float[] want;
    try (ModelGraph g = ModelGraph.inference(m)) {
      g.setWeights(w);
      want = g.predict(x, 5, 5);
    }
    try (Predictor p = Predictor.load(base)) {
      assertEquals(base.resolve("2"), p.dir());
      assertEquals("features", p.inputName());
      assertArrayEquals(new long[] {-1, 3}, p.inputShape());
      NpyArray batch = NpyArray.ofFloats(new long[] {5, 3}, x);
      // The same graph at the same batch size computes the same: bit-identical.
      assertArrayEquals(want, p.predict(batch, 5).toFloats());
      // Other batch sizes may take other oneDNN kernels, which round differently (3e-8 on AVX2).
      Tolerance.assertClose(want, p.predict(batch, 2).toFloats(), Tolerance.BATCHING, "batches of 2 against one batch of 5");
      assertEquals("[\"a\",\"b\"]", p.info().get("labels").toString());
      assertEquals("0.1.0", p.info().get("provenance").get("tfgraph_version").asText());
      Map<String, NpyArray> back = SavedModelInfo.weights(p);
      assertEquals(w.keySet(), back.keySet());
      for (String k : w.keySet()) assertArrayEquals(w.get(k).toFloats(), back.get(k).toFloats(), k);
      assertFalse(SavedModelInfo.variables(p.bundle()).keySet().stream().anyMatch(n -> n.contains("adam")), "no optimizer slots");
    }
  }

  @Test
  void neverOverwritesAVersionAndCleansDeadStaging(@TempDir Path base) throws Exception {
    Model m = demo();
    Map<String, NpyArray> w = weights(m);
    Exporter.export(m, w, base, 3, Map.of());
    byte[] before = Files.readAllBytes(base.resolve("3/saved_model.pb"));
    BadInputException e = assertThrows(BadInputException.class, () -> Exporter.export(m, w, base, 3, Map.of()));
    assertTrue(e.getMessage().contains("version 3 already exists"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(base.resolve("3/saved_model.pb")));
    Path stale = base.resolve(ModelDirs.STAGING_PREFIX + "4-999999999");
    Files.createDirectories(stale.resolve("variables"));
    assertEquals(4, Exporter.export(m, w, base, null, Map.of()).version());
    assertFalse(Files.exists(stale), "staging folder of a dead process removed");
  }

  @Test
  void badWeightsLeaveNoVersion(@TempDir Path base) throws Exception {
    Model m = demo();
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(weights(m));
    w.remove("t.a");
    BadInputException e = assertThrows(BadInputException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(e.getMessage().contains("t.a"));
    assertEquals(0, ModelDirs.highestVersion(base));
  }
}
