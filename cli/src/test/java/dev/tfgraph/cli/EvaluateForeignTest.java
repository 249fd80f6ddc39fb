package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate on a foreign SavedModel (one without tfgraph.json: an export whose record was removed), whose outputs are
 * fed to the loss's and metrics' graph ops: the same figures as the exported model rebuilt from its record (to float32
 * rounding), for softmax outputs (taken back to logits), one-hot targets and a regression; and non-finite outputs
 * refused with the same message.
 */
class EvaluateForeignTest {
  static final int N = 600;

  /** A model x [4] → Dense(8, tanh) → Dense(units, activation), random weights (the last {@code scale}), exported; its version folder. */
  static Path export(Path d, String name, int units, String activation, double scale) throws Exception {
    Path spec = d.resolve(name + ".json"), weights = d.resolve(name + ".npz"), base = d.resolve(name);
    Files.writeString(spec, String.format(java.util.Locale.ROOT, "{\"name\": \"%s\", \"input\": {\"name\": \"x\", \"shape\": [null, 4]}, "
        + "\"layers\": [{\"type\": \"Dense\", \"name\": \"h\", \"units\": 8, \"activation\": \"tanh\"}, "
        + "{\"type\": \"Dense\", \"name\": \"out\", \"units\": %d, \"activation\": \"%s\"}]}", name, units, activation));
    SplittableRandom r = new SplittableRandom(units);
    Map<String, NpyArray> w = new LinkedHashMap<>();
    w.put("h.kernel", NpyArray.ofFloats(new long[] {4, 8}, gaussian(r, 32, 1)));
    w.put("h.bias", NpyArray.ofFloats(new long[] {8}, gaussian(r, 8, 0.1)));
    w.put("out.kernel", NpyArray.ofFloats(new long[] {8, units}, gaussian(r, 8 * units, scale)));
    w.put("out.bias", NpyArray.ofFloats(new long[] {units}, gaussian(r, units, 0.1)));
    Npz.write(weights, w);
    Run ex = MainTest.run("export", "--spec", spec.toString(), "--weights", weights.toString(), "--out", base.toString());
    assertEquals(0, ex.code(), ex.err());
    return base.resolve("1");
  }

  static float[] gaussian(SplittableRandom r, int n, double scale) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) (scale * r.nextGaussian());
    return f;
  }

  /** A copy of the version folder without tfgraph.json: a SavedModel tfgraph did not export. */
  static Path foreign(Path version, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(version)) {
      for (Path p : files.toList()) {
        Path q = to.resolve(version.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(q);
        else if (!p.getFileName().toString().equals("tfgraph.json")) Files.copy(p, q);
      }
    }
    return to;
  }

  /** evaluate on both models: every figure of the foreign one equals the rebuilt one's, to float32 rounding. */
  static void same(Path version, Path foreign, String... args) {
    String[] base = {"evaluate", "--trusted", "--model"};
    Run own = MainTest.run(concat(base, version.toString(), args));
    Run other = MainTest.run(concat(base, foreign.toString(), args));
    assertEquals(0, own.code(), own.err());
    assertEquals(0, other.code(), other.err());
    String a = last(own.out()), b = last(other.out());
    for (String key : new String[] {"loss", "accuracy", "top_2_accuracy", "mse", "mae"}) {
      if (!a.contains("\"" + key + "\":")) continue;
      String va = raw(a, key), vb = raw(b, key);
      if (va.equals("null")) {
        assertEquals(va, vb, key);
        continue;
      }
      double x = Double.parseDouble(va), y = Double.parseDouble(vb);
      assertEquals(x, y, 2e-6 * Math.max(1, Math.abs(x)), key + ": " + a + " against the foreign model's " + b);
    }
    assertTrue(a.contains("\"examples\":" + N) && b.contains("\"examples\":" + N), b);
  }

  /** The text of {@code key}'s value in a JSON line. */
  static String raw(String line, String key) {
    int from = line.indexOf("\"" + key + "\":") + key.length() + 3, to = from;
    while (to < line.length() && ",}".indexOf(line.charAt(to)) < 0) to++;
    return line.substring(from, to);
  }

  static String last(String out) {
    return out.strip().lines().reduce((x, y) -> y).orElseThrow();
  }

  static String[] concat(String[] a, String b, String[] c) {
    String[] all = new String[a.length + 1 + c.length];
    System.arraycopy(a, 0, all, 0, a.length);
    all[a.length] = b;
    System.arraycopy(c, 0, all, a.length + 1, c.length);
    return all;
  }

  @Test
  void aForeignSavedModelGivesTheSameFigures(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = gaussian(r, N * 4, 1), reg = gaussian(r, N, 1), onehot = new float[N * 3];
    long[] y = new long[N];
    for (int i = 0; i < N; i++) {
      y[i] = r.nextInt(3);
      onehot[i * 3 + (int) y[i]] = 1;
    }
    Path xs = d.resolve("x.npy"), ys = d.resolve("y.npy"), hot = d.resolve("onehot.npy"), regs = d.resolve("reg.npy");
    Npy.write(xs, NpyArray.ofFloats(new long[] {N, 4}, x));
    Npy.write(ys, NpyArray.ofLongs(new long[] {N}, y));
    Npy.write(hot, NpyArray.ofFloats(new long[] {N, 3}, onehot));
    Npy.write(regs, NpyArray.ofFloats(new long[] {N, 1}, reg));
    Path cls = export(d, "cls", 3, "softmax", 0.5);
    Path clsForeign = foreign(cls, d.resolve("cls_foreign"));
    same(cls, clsForeign, "--x", xs.toString(), "--y", ys.toString());
    same(cls, clsForeign, "--x", xs.toString(), "--y", ys.toString(), "--metrics", "accuracy,top_2_accuracy");
    same(cls, clsForeign, "--x", xs.toString(), "--y", hot.toString(), "--loss", "categorical_crossentropy", "--metrics",
        "accuracy,top_2_accuracy,mse");
    Path lin = export(d, "lin", 1, "linear", 1);
    same(lin, foreign(lin, d.resolve("lin_foreign")), "--x", xs.toString(), "--y", regs.toString(), "--loss", "mse");
    // a confident model: outputs below 1e-7 are clipped (a rebuilt model's loss, from logits, is not); −log clip(p_y) as before
    Path sure = foreign(export(d, "sure", 3, "softmax", 40), d.resolve("sure_foreign"));
    float[] p;
    try (dev.tfgraph.export.serving.Predictor pr = dev.tfgraph.export.serving.Predictor.load(sure)) {
      p = pr.predict(NpyArray.ofFloats(new long[] {N, 4}, x), 256).toFloats();
    }
    double want = 0;
    int clipped = 0;
    for (int i = 0; i < N; i++) {
      want -= Math.log(Math.min(Math.max(p[i * 3 + (int) y[i]], 1e-7), 1 - 1e-7));
      for (int c = 0; c < 3; c++) clipped += p[i * 3 + c] < 1e-7 ? 1 : 0;
    }
    assertTrue(clipped > N / 4, clipped + " outputs below 1e-7");
    Run e = MainTest.run("evaluate", "--trusted", "--model", sure.toString(), "--x", xs.toString(), "--y", ys.toString());
    assertEquals(0, e.code(), e.err());
    assertEquals(want / N, Double.parseDouble(raw(last(e.out()), "loss")), 3 * 1e-7 + 1e-5 * want / N, e.out());
    // non-finite outputs: refused, with the message a rebuilt model's gives
    float[] nans = new float[N * 4];
    java.util.Arrays.fill(nans, Float.NaN);
    Path nan = d.resolve("nan.npy");
    Npy.write(nan, NpyArray.ofFloats(new long[] {N, 4}, nans));
    Run own = MainTest.run("evaluate", "--trusted", "--model", cls.toString(), "--x", nan.toString(), "--y", ys.toString());
    Run other = MainTest.run("evaluate", "--trusted", "--model", clsForeign.toString(), "--x", nan.toString(), "--y", ys.toString());
    assertEquals(3, other.code(), other.err());
    assertTrue(other.err().contains("evaluate: the model's output has 1536 non-finite values (first at [0, 0]: NaN); its loss and "
        + "metrics would mean nothing"), other.err());
    assertEquals(own.code(), other.code());
    assertEquals(own.err(), other.err());
  }
}
