package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorTest {
  static final String SPEC = """
      {"name": "p", "input": {"name": "image", "shape": [null, 28, 28, 1]},
       "layers": [{"type": "Affine", "name": "fc", "units": 32, "activation": "relu"},
                  {"type": "Affine", "name": "out", "units": 10, "activation": "softmax"}]}""";

  static Path export(Path base) {
    Model m = Model.fromConfig(SPEC);
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      return Exporter.export(m, g.initialValues(1), base, null, java.util.Map.of()).dir();
    }
  }

  static NpyArray batch(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    return NpyArray.ofFloats(new long[] {n, 28, 28, 1}, x);
  }

  static long rssKb() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
    }
    return 0;
  }

  /**
   * 8 threads × N predictions (three rounds) with random batch sizes equal single-threaded results, and
   * native memory stays flat (every Tensor and Result closed). N = 1,000 here; -Dtfgraph.load.iterations=10000
   * runs the README's figure.
   */
  @Test
  void concurrentPredictionsMatchAndMemoryStaysFlat(@TempDir Path base) throws Exception {
    int n = Integer.getInteger("tfgraph.load.iterations", 1000);
    try (Predictor p = Predictor.load(export(base))) {
      List<NpyArray> inputs = new ArrayList<>();
      List<float[]> expected = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < 16; i++) {
        NpyArray x = batch(1 + r.nextInt(32), i);
        inputs.add(x);
        expected.add(p.predict(x, 64).toFloats());
      }
      for (int i = 0; i < 200; i++) p.predict(inputs.get(i % 16), 64);   // warm up allocators
      long[] phase = new long[4];
      long t0 = System.nanoTime();
      for (int round = 0; round < 3; round++) {
        phase[round] = nativeKb();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          final int seed = 10 * round + t;
          futures.add(pool.submit(() -> {
            SplittableRandom rr = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
              int k = rr.nextInt(16);
              assertArrayEquals(expected.get(k), p.predict(inputs.get(k), 64).toFloats());
            }
            return n;
          }));
        }
        int done = 0;
        for (Future<Integer> f : futures) done += f.get();
        pool.shutdown();
        assertEquals(8 * n, done);
      }
      phase[3] = nativeKb();
      System.out.printf(java.util.Locale.ROOT, "predictor load: %d predictions on 8 threads in %.1f s (%.0f/s); native memory per round: %d, %d, %d MB%n",
          3 * 8 * n, (System.nanoTime() - t0) / 1e9, 3 * 8 * n / ((System.nanoTime() - t0) / 1e9),
          (phase[1] - phase[0]) / 1024, (phase[2] - phase[1]) / 1024, (phase[3] - phase[2]) / 1024);
      // Allocator arenas and TF's caches grow for a while (tens of MB, seen up to 88 MB in the first
      // round); one leaked input tensor per call would add ~400 MB per round of 8,000 calls.
      long growthMb = (phase[3] - phase[2]) / 1024;
      assertTrue(growthMb < 64, "native memory grew by " + growthMb + " MB over the third " + 8 * n
          + " predictions (rounds before: " + (phase[1] - phase[0]) / 1024 + ", " + (phase[2] - phase[1]) / 1024 + " MB)");
    }
  }

  /** Resident memory outside the Java heap (RSS minus committed heap), in KiB. */
  static long nativeKb() throws Exception {
    System.gc();
    return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
  }

  /** A float64 export is fed and read in float64: a linear layer agrees with Java's double math to 1e-13, not float32's 1e-7. */
  @Test
  void aFloat64ModelKeepsFloat64(@TempDir Path base) {
    Model m = Model.fromConfig("""
        {"name": "d", "input": {"name": "x", "shape": [null, 3], "dtype": "float64"},
         "layers": [{"type": "Affine", "name": "fc", "units": 2}]}""");
    java.util.Map<String, NpyArray> w = java.util.Map.of(
        "fc.kernel", NpyArray.ofDoubles(new long[] {3, 2}, new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}),
        "fc.bias", NpyArray.ofDoubles(new long[] {2}, new double[] {1.0 / 3, -1.0 / 7}));
    Path dir = Exporter.export(m, w, base, null, java.util.Map.of()).dir();
    double[] x = {1.0 / 3, Math.PI, Math.E, -1.0 / 9, 1e-3 / 7, 12345.678901234};
    try (Predictor p = Predictor.load(dir)) {
      NpyArray y = p.predict(NpyArray.ofDoubles(new long[] {2, 3}, x), 2);
      assertEquals(NpyArray.Kind.FLOAT64, y.kind());
      double[] got = y.toDoubles();
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          double want = w.get("fc.bias").toDoubles()[j];
          for (int k = 0; k < 3; k++) want += x[i * 3 + k] * w.get("fc.kernel").toDoubles()[k * 2 + j];
          assertEquals(want, got[i * 2 + j], 1e-13 * Math.max(1, Math.abs(want)), "[" + i + ", " + j + "]");
        }
      }
    }
  }

  @Test
  void checksShapeAndDtypeBeforeRunning(@TempDir Path base) throws Exception {
    try (Predictor p = Predictor.load(export(base))) {
      BadInputException e = assertThrows(BadInputException.class, () -> p.predict(NpyArray.ofFloats(new long[] {2, 28, 28}, new float[2 * 784]), 8));
      assertTrue(e.getMessage().contains("[2, 28, 28]") && e.getMessage().contains("[None, 28, 28, 1]"), e.getMessage());
      e = assertThrows(BadInputException.class, () -> p.predict(NpyArray.ofInts(new long[] {1, 28, 28, 1}, new int[784]), 8));
      assertTrue(e.getMessage().contains("int32"), e.getMessage());
      e = assertThrows(BadInputException.class, () -> p.predict(NpyArray.ofFloats(new long[] {0, 28, 28, 1}, new float[0]), 8));
      assertTrue(e.getMessage().contains("empty batch"), e.getMessage());
      assertArrayEquals(p.predict(batch(70, 9), 16).toFloats(), p.predict(batch(70, 9), 16).toFloats(), "same batching, same bits");
      Tolerance.assertClose(p.predict(batch(70, 9), 1000).toFloats(), p.predict(batch(70, 9), 16).toFloats(), Tolerance.BATCHING,
          "batches of 16 against one batch of 70");
    }
  }

  @Test
  void corruptModelsAreRejectedCleanly(@TempDir Path base) throws Exception {
    Path dir = export(base);
    Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    BadInputException e = assertThrows(BadInputException.class, () -> Predictor.load(dir));
    assertTrue(e.getMessage().contains("cannot be loaded"), e.getMessage());
  }

  /** A corrupt tfgraph.json is not "absent": info() names the file and the parse error; prediction still works. */
  @Test
  void corruptInfoIsNotTakenForAbsent(@TempDir Path base) throws Exception {
    Path dir = export(base);
    Path info = dir.resolve(Exporter.INFO);
    Files.writeString(info, "{\"spec\": {\"layers\": [");
    try (Predictor p = Predictor.load(dir)) {
      BadInputException e = assertThrows(BadInputException.class, p::record);
      assertTrue(e.getMessage().contains(info.toString()) && e.getMessage().contains("corrupt")
          && e.getMessage().contains("end-of-input"), e.getMessage());
      assertEquals(3, p.predict(batch(3, 1), 8).shape()[0]);
    }
    Files.writeString(info, "[1, 2]");
    try (Predictor p = Predictor.load(dir)) {
      BadInputException e = assertThrows(BadInputException.class, p::record);
      assertTrue(e.getMessage().contains(info.toString()) && e.getMessage().contains("\"spec\""), e.getMessage());
    }
    Files.delete(info);
    try (Predictor p = Predictor.load(dir)) {
      assertEquals(null, p.record(), "absent: a foreign SavedModel");
    }
  }
}
