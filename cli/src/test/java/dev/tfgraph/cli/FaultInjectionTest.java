package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.serving.ModelDirs;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes killed with SIGKILL at several moments: nothing half-written is ever served. */
class FaultInjectionTest {
  static Process start(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return pb.start();
  }

  static void check(Path base, int atLeast) throws Exception {
    try (Stream<Path> s = Files.list(base)) {
      for (Path v : s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        try (Predictor p = Predictor.load(v)) {   // every visible version is complete and servable
          assertEquals(3, p.predict(Npy.read(base.getParent().resolve("x.npy")), 8).shape()[0], v.toString());
        }
      }
    }
    assertTrue(ModelDirs.highestVersion(base) >= atLeast);
  }

  @Test
  void exportKilledAtAnyMomentLeavesCompleteVersionsOnly(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    int kills = 0;
    for (long delayMs : new long[] {150, 400, 700, 1000, 1300, 1700, 2200, 3000}) {
      Process p = start(d.resolve("log"), "export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString());
      if (!p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();    // SIGKILL
        kills++;
      }
      check(base, 1);
    }
    assertTrue(kills >= 4, "killed " + kills + " exports mid-way");
    int before = ModelDirs.highestVersion(base);
    MainTest.Run r = MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(before + 1, ModelDirs.highestVersion(base));
    try (Stream<Path> s = Files.list(base)) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(ModelDirs.STAGING_PREFIX)).count(), "staging leftovers removed");
    }
  }

  /** An export killed while its verifying child runs takes the child with it: no orphan writes into a cleaned folder. */
  @Test
  void verifyingChildDiesWithItsExport(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Process p = start(d.resolve("log"), "export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", d.resolve("m").toString());
    ProcessHandle child = null;
    long t0 = System.nanoTime();
    while (child == null && p.isAlive() && System.nanoTime() - t0 < 120e9) {
      child = p.descendants().filter(h -> h.info().commandLine().orElse("").contains("VerifyMain")).findFirst().orElse(null);
      Thread.sleep(5);
    }
    assertTrue(child != null, "the export started its verifying child");
    p.destroyForcibly().waitFor();
    child.onExit().get(120, TimeUnit.SECONDS);
    try (Stream<Path> s = Files.walk(d.resolve("m"))) {   // killed at its start, the child never got to write its output
      assertEquals(List.of(), s.filter(q -> q.getFileName().toString().equals("out.npy")).toList(), "the orphaned child wrote on");
    }
  }

  /** Killed after its first checkpoint, a single-threaded run resumes to the same weights as an uninterrupted one. */
  @Test
  void trainingKilledThenResumedEndsWithTheSameWeights(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(4);
    float[] x = new float[4000 * 20];
    long[] y = new long[4000];
    for (int i = 0; i < y.length; i++) {
      double s = 0;
      for (int j = 0; j < 20; j++) s += (x[i * 20 + j] = (float) r.nextGaussian()) * (j % 3 - 1);
      y[i] = s > 0 ? 1 : 0;
    }
    Npy.write(d.resolve("x.npy"), NpyArray.ofFloats(new long[] {4000, 20}, x));
    Npy.write(d.resolve("y.npy"), NpyArray.ofLongs(new long[] {4000}, y));
    Files.writeString(d.resolve("spec.json"), """
        {"name": "k", "input": {"name": "x", "shape": [null, 20]}, "layers": [
          {"type": "Dense", "name": "fc", "units": 256, "activation": "relu"}, {"type": "Dropout", "name": "drop", "rate": 0.3},
          {"type": "Dense", "name": "fc2", "units": 256, "activation": "relu"},
          {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}]}""");
    String[] common = {"train", "--spec", d.resolve("spec.json").toString(), "--x", d.resolve("x.npy").toString(), "--y",
        d.resolve("y.npy").toString(), "--epochs", "6", "--batch-size", "16", "--threads", "1", "--quiet"};
    MainTest.Run straight = MainTest.run(concat(common, "--save-weights", d.resolve("straight.npz").toString()));
    assertEquals(0, straight.code(), straight.err());
    Path ck = d.resolve("ckpt");
    Process p = start(d.resolve("log"), concat(common, "--checkpoint-dir", ck.toString()));
    long t0 = System.nanoTime();
    while (!Files.exists(ck.resolve("checkpoint.json")) && p.isAlive() && System.nanoTime() - t0 < 120e9) Thread.sleep(20);
    assertTrue(p.isAlive(), "the run was still going when its first checkpoint appeared");
    p.destroyForcibly().waitFor();
    MainTest.Run resumed = MainTest.run(concat(common, "--checkpoint-dir", ck.toString(), "--resume", "--save-weights",
        d.resolve("resumed.npz").toString()));
    assertEquals(0, resumed.code(), resumed.err());
    Map<String, NpyArray> a = Npz.read(d.resolve("straight.npz")), b = Npz.read(d.resolve("resumed.npz"));
    for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloats(), b.get(k).toFloats(), k);
  }

  /** Disk full, simulated by RLIMIT_FSIZE: exit 3 with a clear message, no new version, no staging left. */
  @Test
  void exportUnderAFileSizeLimitFailsCleanly(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd = "ulimit -f 2; exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName()
        + " export --spec '" + f[0] + "' --weights '" + f[1] + "' --out '" + base + "'";
    Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("tfgraph:") && out.toLowerCase(Locale.ROOT).contains("file too large"), out);
    assertEquals(1, ModelDirs.highestVersion(base), "no new version");
    check(base, 1);
    try (Stream<Path> s = Files.list(base)) {
      assertEquals(0, s.filter(q -> q.getFileName().toString().startsWith(ModelDirs.STAGING_PREFIX)).count(), "staging removed");
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
