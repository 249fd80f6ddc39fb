package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.serving.ModelDirs;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.export.serving.SavedModelInfo;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ExporterTest {
  /**
   * Graph's test layers (a kernel and bias, a training-only switch, a non-trainable moving weight, a scale):
   * every kind of weight and inference switch the exporter must carry.
   */
  public static final String DEMO = """
      {"format_version": 1, "name": "demo", "input": {"name": "features", "shape": [null, 3], "dtype": "float32"},
       "labels": ["a", "b"],
       "layers": [{"type": "Affine", "name": "fc", "units": 4, "activation": "relu"},
                  {"type": "Halve", "name": "drop"},
                  {"type": "Center", "name": "bn"},
                  {"type": "Scale", "name": "t", "width": 4},
                  {"type": "Affine", "name": "out", "units": 2, "activation": "softmax"}]}""";

  public static Model demo() {
    return Model.fromConfig(DEMO);
  }

  public static Map<String, NpyArray> weights(Model m) {
    try (ModelRuntime g = ModelRuntime.inference(m)) {
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
    float[] x = ProbeCheck.probe(m, 5).get(0);
    float[] want;
    try (ModelRuntime g = ModelRuntime.inference(m)) {
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
      assertEquals(java.util.List.of("a", "b"), p.record().labels());
      assertEquals("0.1.0", p.record().provenance().get("tfgraph_version").asText());
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
    w.remove("t.scale");
    BadInputException e = assertThrows(BadInputException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(e.getMessage().contains("t.scale"));
    assertEquals(0, ModelDirs.highestVersion(base));
  }

  /** A model with no weights at all (docs/savedmodel-layout.md) exports, reloads and runs like any other. */
  @Test
  void exportsAModelWithoutWeights(@TempDir Path base) throws Exception {
    Model m = Model.fromConfig("""
        {"name": "w", "input": {"name": "x", "shape": [null, 2, 3]},
         "layers": [{"type": "Halve", "name": "half"}]}""");
    assertTrue(m.weights().isEmpty());
    assertEquals(1, Exporter.export(m, Map.of(), base, null, Map.of()).version());
    try (Predictor p = Predictor.load(base)) {
      NpyArray y = p.predict(NpyArray.ofFloats(new long[] {1, 2, 3}, new float[] {-1, 2, -3, 4, -5, 6}), 1);
      assertArrayEquals(new float[] {-1, 2, -3, 4, -5, 6}, y.toFloats(), "the inference branch: no halving");
      assertTrue(SavedModelInfo.weights(p).isEmpty());
    }
  }

  static final String DENSE = """
      {"name": "d", "input": {"name": "x", "shape": [null, 3]}, "layers": [{"type": "Affine", "name": "fc", "units": 2}]}""";

  /**
   * Non-finite weights are bad input naming the key and index; outputs that are not finite on the
   * probe batch fail the run (exit 3). Either way no version, and no BASE folder if it was new.
   */
  @Test
  void nonFiniteWeightsOrOutputsLeaveNothing(@TempDir Path d) throws Exception {
    Model m = Model.fromConfig(DENSE);
    Path base = d.resolve("new/models");
    Map<String, NpyArray> w = new java.util.HashMap<>();
    w.put("fc.kernel", NpyArray.ofFloats(new long[] {3, 2}, new float[] {1, 1, 1, Float.NaN, 1, 1}));
    w.put("fc.bias", NpyArray.ofFloats(new long[] {2}, new float[2]));
    BadInputException e = assertThrows(BadInputException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(e.getMessage().contains("\"fc.kernel\"") && e.getMessage().contains("[1, 1]"), e.getMessage());
    assertFalse(Files.exists(d.resolve("new")), "no folder created by a failed export");
    float big = Float.MAX_VALUE;
    w.put("fc.kernel", NpyArray.ofFloats(new long[] {3, 2}, new float[] {big, big, big, big, big, big}));
    w.put("fc.bias", NpyArray.ofFloats(new long[] {2}, new float[] {big, big}));
    RunFailedException r = assertThrows(RunFailedException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(r.getMessage().contains("not finite") && r.getMessage().contains("Infinity"), r.getMessage());
    assertFalse(Files.exists(d.resolve("new")), "no folder created by a failed export");
    Files.createDirectories(base);
    assertThrows(RunFailedException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(Files.isDirectory(base), "an existing BASE stays");
    try (java.util.stream.Stream<Path> s = Files.list(base)) {
      assertEquals(0, s.count(), "nothing left in BASE");
    }
  }

  /** The verification compares every element: NaN, infinities and differences after the first inexact one fail. */
  @Test
  void verificationComparesEveryElement() {
    Model m = Model.fromConfig(DENSE);
    float[] want = {0.5f, 0.25f, 1, 2, 3, 4, 5, 6};
    float[] close = want.clone();
    close[0] = Math.nextUp(close[0]);   // not bit-identical, within tolerance
    assertTrue(ProbeCheck.compare(m, want, close) < ProbeCheck.TOLERANCE);
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 6.5f}) {
      float[] got = close.clone();
      got[7] = bad;
      RunFailedException e = assertThrows(RunFailedException.class, () -> ProbeCheck.compare(m, want, got), "got " + bad);
      assertTrue(e.getMessage().contains("[3, 1]"), e.getMessage());
    }
    float[] nanBoth = want.clone();
    nanBoth[3] = Float.NaN;
    assertThrows(RunFailedException.class, () -> ProbeCheck.compare(m, nanBoth, nanBoth.clone()), "NaN == NaN is no pass");
  }

  /**
   * Two exports racing into one BASE: renaming onto a version that appeared meanwhile fails on Linux with
   * "Directory not empty"; an automatic version takes the next number, an explicit one is bad input.
   */
  @Test
  void aVersionThatAppearsDuringTheExportIsNeverReplaced(@TempDir Path base) throws Exception {
    Files.createDirectories(base.resolve("1"));
    Files.write(base.resolve("1/saved_model.pb"), new byte[] {1});
    Path staging = base.resolve(ModelDirs.STAGING_PREFIX + "1-" + ProcessHandle.current().pid() + "-1");
    Files.createDirectories(staging);
    Files.write(staging.resolve("saved_model.pb"), new byte[] {2});
    BadInputException e = assertThrows(BadInputException.class, () -> ExportFolders.publish(staging, base, 1, false));
    assertTrue(e.getMessage().contains("version 1 appeared in " + base + " during the export"), e.getMessage());
    assertEquals(2, ExportFolders.publish(staging, base, 1, true));
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(base.resolve("1/saved_model.pb")));
    assertArrayEquals(new byte[] {2}, Files.readAllBytes(base.resolve("2/saved_model.pb")));
    assertFalse(Files.exists(staging));
  }

  /** After version 2147483647 an automatic version would overflow: bad input saying so, nothing written. */
  @Test
  void theHighestVersionDoesNotOverflow(@TempDir Path base) throws Exception {
    Files.createDirectories(base.resolve("2147483647"));
    Model m = Model.fromConfig(DENSE);
    Map<String, NpyArray> w;
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      w = g.initialValues(1);
    }
    BadInputException e = assertThrows(BadInputException.class, () -> Exporter.export(m, w, base, null, Map.of()));
    assertTrue(e.getMessage().contains("version 2147483647") && e.getMessage().contains("explicit lower version"), e.getMessage());
    assertFalse(e.getMessage().contains("-2147483648"), e.getMessage());
    try (java.util.stream.Stream<Path> s = Files.list(base)) {
      assertEquals(1, s.count());
    }
  }
}
