package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.Npz;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --x arrays read through memory maps (docs/data-formats.md): the batches of loading them, and files larger than the heap. */
class MappedArraysTest {
  static final String SPEC = """
      {"name": "wide", "input": {"name": "x", "shape": [null, %d]}, "layers": [
        {"type": "Dense", "name": "fc", "units": 8, "activation": "relu"},
        {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}]}""";

  /** n rows of `width` float32 values written row by row (never the whole array in memory), and labels from a linear rule. */
  static void write(Path x, Path y, int n, int width) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + width + "), }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad % 64) + "\n";
    long[] labels = new long[n];
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(x), 1 << 20))) {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      out.writeShort(Short.reverseBytes((short) header.length()));
      out.write(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      ByteBuffer row = ByteBuffer.allocate(width * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        row.clear();
        double s = 0;
        for (int j = 0; j < width; j++) {
          float v = (float) r.nextGaussian();
          row.putFloat(v);
          if (j < 3) s += v * (j - 1);
        }
        labels[i] = s > 0.5 ? 2 : s < -0.5 ? 0 : 1;
        out.write(row.array());
      }
    }
    Npy.write(y, NpyArray.ofLongs(new long[] {n}, labels));
  }

  @Test
  void memoryMappedTrainingIsTheTrainingOfLoadedArrays(@TempDir Path d) throws Exception {
    write(d.resolve("x.npy"), d.resolve("y.npy"), 900, 12);
    Files.writeString(d.resolve("spec.json"), String.format(java.util.Locale.ROOT, SPEC, 12));
    JsonNode[] s = new JsonNode[2];
    for (int k = 0; k < 2; k++) {
      List<String> args = new ArrayList<>(List.of("train", "--spec", d.resolve("spec.json").toString(), "--x", d.resolve("x.npy").toString(),
          "--y", d.resolve("y.npy").toString(), "--epochs", "3", "--batch-size", "64", "--threads", "1", "--validation-split", "0.2",
          "--quiet", "--save-weights", d.resolve(k + ".npz").toString()));
      if (k == 0) args.add("--memory-map");
      Run r = MainTest.run(args.toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      s[k] = ImagesTest.lastJson(r);
    }
    assertEquals(s[1].get("train_loss"), s[0].get("train_loss"));
    assertEquals(s[1].get("examples"), s[0].get("examples"));
    Map<String, NpyArray> a = Npz.read(d.resolve("0.npz")), b = Npz.read(d.resolve("1.npz"));
    for (String key : a.keySet()) assertArrayEquals(b.get(key).toFloats(), a.get(key).toFloats(), key);
    // evaluate maps too, with the numbers of loading
    JsonNode[] e = new JsonNode[2];
    Files.writeString(d.resolve("spec.json"), String.format(java.util.Locale.ROOT, SPEC, 12));
    Run x = MainTest.run("export", "--spec", d.resolve("spec.json").toString(), "--weights", d.resolve("0.npz").toString(), "--out",
        d.resolve("m").toString());
    assertEquals(0, x.code(), x.err());
    for (int k = 0; k < 2; k++) {
      List<String> args = new ArrayList<>(List.of("evaluate", "--trusted", "--model", d.resolve("m").toString(), "--x",
          d.resolve("x.npy").toString(), "--y", d.resolve("y.npy").toString()));
      if (k == 0) args.add("--memory-map");
      Run r = MainTest.run(args.toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      e[k] = ImagesTest.lastJson(r);
    }
    assertEquals(900, e[0].get("examples").asInt());
    assertEquals(e[1].get("accuracy").asDouble(), e[0].get("accuracy").asDouble());
    assertEquals(e[1].get("loss").asDouble(), e[0].get("loss").asDouble(), 1e-6);
    Run bad = MainTest.run("train", "--spec", ImagesTest.SPEC, "--data", ImagesTest.I.resolve("photos").toString(), "--memory-map");
    assertTrue(bad.code() == 2 && bad.err().contains("--memory-map maps --x .npy files"), bad.err());
  }

  /** 200 MB of examples for a JVM of 128 MB heap (loading them is refused: ArrayBudget): mapped without being asked, trained, exit 0. */
  @Test
  void anArrayLargerThanTheHeapTrains(@TempDir Path d) throws Exception {
    write(d.resolve("x.npy"), d.resolve("y.npy"), 50_000, 1000);
    assertTrue(Files.size(d.resolve("x.npy")) > 200_000_000L);
    Files.writeString(d.resolve("spec.json"), String.format(java.util.Locale.ROOT, SPEC, 1000));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--spec", d.resolve("spec.json").toString(),
        "--x", d.resolve("x.npy").toString(), "--y", d.resolve("y.npy").toString(), "--epochs", "3", "--batch-size", "500",
        "--learning-rate", "0.01", "--quiet", "--save-weights", d.resolve("w.npz").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    JsonNode s = ImagesTest.JSON.readTree(out.strip().substring(out.strip().lastIndexOf('\n') + 1));
    assertEquals(50_000, s.get("examples").asInt());
    assertTrue(s.get("train_accuracy").asDouble() > 0.6, out);   // 3 classes from 3 of 1000 features: chance is 1/3
    assertTrue(Files.exists(d.resolve("w.npz")));
  }
}
