package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit codes, one-line errors, outputs. */
class MainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream o = System.out, e = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      return new Run(Main.execute(args), out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }

  /** spec, weights, input, and the in-process output as expected. */
  static Path[] fixture(Path d) throws Exception {
    Path spec = Path.of("..", "testdata", "specs", "demo.json");
    Model m = Model.fromConfig(Files.readString(spec));
    Files.copy(spec, d.resolve("spec.json"));
    Map<String, NpyArray> w;
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      w = g.initialValues(3);
    }
    Npz.write(d.resolve("w.npz"), w);
    float[] x = {0, 0.5f, -1, 1, 2, 3, -0.25f, 0, 0.75f};
    Npy.write(d.resolve("x.npy"), NpyArray.ofFloats(new long[] {3, 3}, x));
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      g.setWeights(w);
      Npy.write(d.resolve("y.npy"), NpyArray.ofFloats(new long[] {3, 2}, g.predict(x, 3, 3)));
    }
    return new Path[] {d.resolve("spec.json"), d.resolve("w.npz"), d.resolve("x.npy"), d.resolve("y.npy")};
  }

  @Test
  void exportPredictParityInspectWeights(@TempDir Path d) throws Exception {
    Path[] f = fixture(d);
    Path base = d.resolve("model");
    Run ex = run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString());
    assertEquals(0, ex.code(), ex.err());
    assertEquals(base.resolve("1").toString(), ex.out().strip());
    Run p = run("predict", "--model", base.toString(), "--input", f[2].toString(), "--output", d.resolve("got.npy").toString());
    assertEquals(0, p.code(), p.err());
    assertEquals(3, Npy.read(d.resolve("got.npy")).shape()[0]);
    Run ok = run("parity", "--model", base.toString(), "--input", f[2].toString(), "--expected", f[3].toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("\"failing\":0"), ok.out());
    float[] off = Npy.read(f[3]).toFloats();
    off[4] += 0.01f;
    Npy.write(d.resolve("off.npy"), NpyArray.ofFloats(new long[] {3, 2}, off));
    Run bad = run("parity", "--model", base.toString(), "--input", f[2].toString(), "--expected", d.resolve("off.npy").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.out().contains("\"failing\":1") && bad.out().contains("\"first_failing_index\":[2,0]"), bad.out());
    Run in = run("inspect", "--model", base.toString());
    assertEquals(0, in.code(), in.err());
    assertTrue(in.out().contains("serving_default") && in.out().contains("features") && in.out().contains("t__a"), in.out());
    Run w = run("weights", "--model", base.toString(), "--out", d.resolve("back.npz").toString());
    assertEquals(0, w.code(), w.err());
    assertEquals(Npz.read(f[1]).keySet(), Npz.read(d.resolve("back.npz")).keySet());
    // a corrupt tfgraph.json is not "absent": evaluate and inspect name it instead of guessing (exit 2)
    Path info = base.resolve("1/assets.extra/tfgraph.json");
    Files.writeString(info, "{\"spec\": ");
    Npy.write(d.resolve("labels.npy"), NpyArray.ofLongs(new long[] {3}, new long[] {0, 1, 0}));
    Run ev = run("evaluate", "--model", base.toString(), "--trusted", "--x", f[2].toString(), "--y", d.resolve("labels.npy").toString());
    assertEquals(2, ev.code(), ev.err() + ev.out());
    assertTrue(ev.err().contains(info.toString()) && ev.err().contains("corrupt") && !ev.out().contains("accuracy"), ev.err());
    Run bad2 = run("inspect", "--model", base.toString(), "--trusted");
    assertEquals(2, bad2.code(), bad2.err());
    assertTrue(bad2.err().contains(info.toString()), bad2.err());
  }

  /** predict --output equal to --input, weights --out inside the model: refused (exit 2), the input intact. */
  @Test
  void outputsNeverReplaceInputs(@TempDir Path d) throws Exception {
    Path[] f = fixture(d);
    Path model = d.resolve("model");
    Files.createDirectories(model.resolve("1"));
    Files.write(model.resolve("1/saved_model.pb"), new byte[] {7});
    byte[] x = Files.readAllBytes(f[2]);
    Files.createSymbolicLink(d.resolve("alias.npy"), f[2]);
    for (Path out : new Path[] {f[2], d.resolve("alias.npy")}) {
      Run r = run("predict", "--model", model.toString(), "--input", f[2].toString(), "--output", out.toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("same file as the input"), r.err());
    }
    assertArrayEquals(x, Files.readAllBytes(f[2]));
    for (Path out : new Path[] {model.resolve("1/saved_model.pb"), model.resolve("w.npz")}) {
      Run r = run("weights", "--model", model.toString(), "--out", out.toString());
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("inside the model folder"), r.err());
    }
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(model.resolve("1/saved_model.pb")));
  }

  /** NaN in --weights is bad input naming the weight (not a learning-rate problem), for train and export alike. */
  @Test
  void nonFiniteWeightsAreBadInput(@TempDir Path d) throws Exception {
    Path[] f = fixture(d);
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(Npz.read(f[1]));
    float[] k = w.get("fc.kernel").toFloats();
    k[5] = Float.NaN;
    w.put("fc.kernel", NpyArray.ofFloats(w.get("fc.kernel").shape(), k));
    Path nan = d.resolve("nan.npz");
    Npz.write(nan, w);
    Npy.write(d.resolve("labels.npy"), NpyArray.ofLongs(new long[] {3}, new long[] {0, 1, 0}));
    Run t = run("train", "--spec", f[0].toString(), "--weights", nan.toString(), "--x", f[2].toString(), "--y",
        d.resolve("labels.npy").toString(), "--quiet");
    assertEquals(2, t.code(), t.err());
    assertTrue(t.err().contains(nan.toString()) && t.err().contains("\"fc.kernel\"") && t.err().contains("[1, 1]")
        && !t.err().contains("learning rate"), t.err());
    Run e = run("export", "--spec", f[0].toString(), "--weights", nan.toString(), "--out", d.resolve("m").toString());
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains("\"fc.kernel\"") && e.err().contains("[1, 1]"), e.err());
    assertTrue(!Files.exists(d.resolve("m")), "no BASE left by a failed export");
  }

  @Test
  void badInputExitsTwoWithOneLine(@TempDir Path d) throws Exception {
    Path[] f = fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    Run missing = run("predict", "--model", d.resolve("nowhere").toString(), "--input", f[2].toString(), "--output", d.resolve("o.npy").toString());
    assertEquals(2, missing.code());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    Files.write(d.resolve("garbage.npy"), new byte[] {1, 2, 3, 4, 5});
    assertEquals(2, run("predict", "--model", base.toString(), "--input", d.resolve("garbage.npy").toString(), "--output", d.resolve("o.npy").toString()).code());
    Npy.write(d.resolve("wide.npy"), NpyArray.ofFloats(new long[] {2, 4}, new float[8]));
    Run wide = run("predict", "--model", base.toString(), "--input", d.resolve("wide.npy").toString(), "--output", d.resolve("o.npy").toString());
    assertEquals(2, wide.code());
    assertTrue(wide.err().contains("[2, 4]") && wide.err().contains("[None, 3]"), wide.err());
    assertEquals(2, run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString(), "--version", "1").code());
    Files.writeString(d.resolve("bad.json"), "{\"layers\": [");
    Run spec = run("export", "--spec", d.resolve("bad.json").toString(), "--weights", f[1].toString(), "--out", base.toString());
    assertEquals(2, spec.code());
    assertTrue(spec.err().contains("not valid JSON"), spec.err());
    assertEquals(2, run("train", "--model", "nope").code());
    assertEquals(2, run("frobnicate").code());
  }

  static void badInput(Run r, String... fragments) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    for (String f : fragments) assertTrue(r.err().contains(f), "\"" + r.err() + "\" lacks \"" + f + "\"");
  }

  /** Hostile spec, array and archive files: exit 2 and one line naming the file and the limit, never exit 3 or an OOM. */
  @Test
  void hostileFilesExitTwoWithOneLine(@TempDir Path d) throws Exception {
    Path deep = Files.writeString(d.resolve("deep.json"), "[".repeat(2000));
    badInput(run("spec", "--spec", deep.toString()), "deep.json", "nesting depth");
    Path num = Files.writeString(d.resolve("num.json"), "{\"format_version\": " + "1".repeat(2000) + "}");
    badInput(run("spec", "--spec", num.toString()), "num.json", "Number value length");
    Path dup = Files.writeString(d.resolve("dup.json"), "{\"name\": \"a\", \"name\": \"b\"}");
    badInput(run("spec", "--spec", dup.toString()), "dup.json", "Duplicate field 'name'");
    if (Files.exists(Path.of("/dev/zero"))) badInput(run("spec", "--spec", "/dev/zero"), "/dev/zero", "not a regular file");
    if (Runtime.getRuntime().maxMemory() >= 32L << 30) return;   // the arrays below would fit the heap
    Path[] f = fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    Path big = d.resolve("big.npy");   // sparse: a header declaring 4 GiB of int16 (16 GiB as doubles), then holes
    byte[] header = npyHeader("{'descr': '<i2', 'fortran_order': False, 'shape': (2147483639,), }");
    try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      r.write(header);
      r.setLength(header.length + 2L * 2147483639);
    }
    badInput(run("predict", "--model", base.toString(), "--input", big.toString(), "--output", d.resolve("o.npy").toString()),
        big + " (" + (header.length + 2L * 2147483639) + " bytes): shape [2147483639] of int16 needs 17179869112 bytes of heap",
        "maximum heap");
    Path bomb = d.resolve("bomb.npz");   // one entry whose zip header says it inflates to 2 GB of uint8
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new java.util.zip.ZipEntry("dense.kernel.npy"));
      z.write(npyHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (1999999000,), }"));
      z.closeEntry();
    }
    byte[] b = Files.readAllBytes(bomb);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= b.length; i++) if (buf.getInt(i) == 0x02014b50) buf.putInt(i + 24, 2_000_000_000);
    Files.write(bomb, b);
    badInput(run("export", "--spec", f[0].toString(), "--weights", bomb.toString(), "--out", d.resolve("m2").toString()),
        "bomb.npz entry \"dense.kernel\" (2000000000 bytes)", "needs 15999992000 bytes of heap");
  }

  /** A version-1 .npy header for this dict, padded as numpy pads it. */
  static byte[] npyHeader(String dict) {
    String h = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    return b.put(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).array();
  }
}
