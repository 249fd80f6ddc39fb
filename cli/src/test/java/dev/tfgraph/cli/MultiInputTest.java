package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;

/**
 * A model of two inputs (the contract's residual example, testdata/graphs) through every command:
 * export with one signature input per model input, predict and parity with NAME=FILE.npy or an
 * .npz, train and evaluate on named arrays, inspect; and the errors a user meets on the way.
 */
class MultiInputTest {
  static final Path G = Path.of("..", "testdata", "graphs");

  static Run run(String... args) {
    return MainTest.run(args);
  }

  @Test
  void exportPredictParityInspect(@TempDir Path d) throws Exception {
    Path base = d.resolve("model");
    Run ex = run("export", "--spec", G.resolve("residual.json").toString(), "--weights", G.resolve("residual_weights.npz").toString(),
        "--out", base.toString(), "--warmup", "3");
    assertEquals(0, ex.code(), ex.err());
    // the warmup records TF Serving replays carry one tensor per model input
    byte[] warm = Files.readAllBytes(base.resolve("1/assets.extra/tf_serving_warmup_requests"));
    String text = new String(warm, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("side") && text.contains("serving_default"), "warmup requests name both inputs");
    try (SavedModelBundle b = SavedModelBundle.load(base.resolve("1").toString(), "serve")) {
      SignatureDef sig = b.metaGraphDef().getSignatureDefMap().get("serving_default");
      assertEquals(java.util.Set.of("x", "side"), sig.getInputsMap().keySet());
      assertEquals(List.of(-1L, 3L), sig.getInputsMap().get("side").getTensorShape().getDimList().stream().map(x -> x.getSize()).toList());
    }
    String x = G.resolve("residual_x.npy").toString(), side = G.resolve("residual_side.npy").toString();
    Path y1 = d.resolve("y1.npy"), y2 = d.resolve("y2.npy");
    assertEquals(0, run("predict", "--model", base.toString(), "--input", "x=" + x, "--input", "side=" + side, "--output", y1.toString()).code());
    assertEquals(0, run("predict", "--model", base.toString(), "--input", G.resolve("residual_inputs.npz").toString(), "--output", y2.toString()).code());
    assertArrayEquals(Npy.read(y1).toFloats(), Npy.read(y2).toFloats());
    Run p = run("parity", "--model", base.toString(), "--input", "side=" + side, "--input", "x=" + x,
        "--expected", G.resolve("residual_expected.npy").toString());
    assertEquals(0, p.code(), p.err() + p.out());
    Run pz = run("parity", "--model", base.toString(), "--input", G.resolve("residual_inputs.npz").toString(),
        "--expected", G.resolve("residual_expected.npy").toString());
    assertEquals(0, pz.code(), pz.err() + pz.out());
    Run bp = run("bench-predict", "--model", base.toString(), "--batch-sizes", "2", "--iterations", "3");
    assertTrue(bp.code() == 0 && bp.out().contains("\"batch_size\":2"), bp.err() + bp.out());
    Run i = run("inspect", "--model", base.toString());
    assertTrue(i.out().contains("input  side: dtype DT_FLOAT shape [-1, 3]") && i.out().contains("input  x: dtype DT_FLOAT shape [-1, 8]"), i.out());
    try (Predictor pr = Predictor.load(base)) {
      assertEquals(List.of("x", "side"), pr.inputNames(), "the spec's input order");
      // the same batch as predict's default (256): the same computation, so the same bits
      NpyArray got = pr.predict(Map.of("x", Npy.read(Path.of(x)), "side", Npy.read(Path.of(side))), 256);
      assertArrayEquals(Npy.read(y1).toFloats(), got.toFloats());
      // batches of 4 round differently on some CPUs (oneDNN picks kernels by batch size): a tolerance
      NpyArray small = pr.predict(Map.of("x", Npy.read(Path.of(x)), "side", Npy.read(Path.of(side))), 4);
      assertArrayEquals(Npy.read(y1).toFloats(), small.toFloats(), 1e-6f);
    }
    // the errors: one line each, exit 2, nothing written
    Path none = d.resolve("none.npy");
    Run one = run("predict", "--model", base.toString(), "--input", x, "--output", none.toString());
    assertEquals(2, one.code());
    assertTrue(one.err().contains("takes 2 inputs [x, side]") && one.err().contains("NAME=FILE.npy"), one.err());
    Run missing = run("predict", "--model", base.toString(), "--input", "x=" + x, "--output", none.toString());
    assertTrue(missing.code() == 2 && missing.err().contains("no array for input [side]"), missing.err());
    Run wrong = run("predict", "--model", base.toString(), "--input", "x=" + x, "--input", "side=" + x, "--output", none.toString());
    assertTrue(wrong.code() == 2 && wrong.err().contains("input side has shape [6, 8], expected [None, 3]"), wrong.err());
    Run extra = run("predict", "--model", base.toString(), "--input", "x=" + x, "--input", "side=" + side, "--input", "z=" + side,
        "--output", none.toString());
    assertTrue(extra.code() == 2 && extra.err().contains("\"z\" is no input of the model"), extra.err());
    Run twice = run("predict", "--model", base.toString(), "--input", "x=" + x, "--input", "x=" + x, "--output", none.toString());
    assertTrue(twice.code() == 2 && twice.err().contains("names input \"x\" twice"), twice.err());
    assertTrue(!Files.exists(none));
    // extreme inputs: a float64 value beyond float32 is refused; NaN outputs are written, with a warning; evaluate fails on them
    Path big = d.resolve("big.npz"), nan = d.resolve("nan.npz"), y6 = d.resolve("y6.npy");
    double[] huge = new double[6 * 8];
    java.util.Arrays.fill(huge, 1e300);
    Npz.write(big, Map.of("x", NpyArray.ofDoubles(new long[] {6, 8}, huge), "side", Npy.read(Path.of(side))));
    Run r = run("predict", "--model", base.toString(), "--input", big.toString(), "--output", none.toString());
    assertTrue(r.code() == 2 && r.err().contains("input x holds 1.0E300 at [0, 0], outside float32's range"), r.err());
    float[] nans = new float[6 * 8];
    java.util.Arrays.fill(nans, Float.NaN);
    Npz.write(nan, Map.of("x", NpyArray.ofFloats(new long[] {6, 8}, nans), "side", Npy.read(Path.of(side))));
    Path out = d.resolve("nan_out.npy");
    r = run("predict", "--model", base.toString(), "--input", nan.toString(), "--output", out.toString());
    assertTrue(r.code() == 0 && r.err().contains("warning: the output has 24 non-finite values (first at [0, 0]: NaN)"), r.err());
    assertTrue(Files.exists(out));
    Npy.write(y6, NpyArray.ofLongs(new long[] {6}, new long[6]));
    r = run("evaluate", "--model", base.toString(), "--x", nan.toString(), "--y", y6.toString());
    assertTrue(r.code() == 3 && r.err().contains("evaluate: the model's output has 24 non-finite values"), r.err());
  }

  @Test
  void trainAndEvaluateOnNamedArrays(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    int n = 200;
    float[] x = new float[n * 8], side = new float[n * 3];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 8; j++) x[i * 8 + j] = (float) r.nextGaussian();
      for (int j = 0; j < 3; j++) side[i * 3 + j] = (float) r.nextGaussian();
      y[i] = (x[i * 8] > 0 ? 2 : 0) + (side[i * 3] > 0 ? 1 : 0);
    }
    Npy.write(d.resolve("x.npy"), NpyArray.ofFloats(new long[] {n, 8}, x));
    Npy.write(d.resolve("side.npy"), NpyArray.ofFloats(new long[] {n, 3}, side));
    Npy.write(d.resolve("y.npy"), NpyArray.ofLongs(new long[] {n}, y));
    Npz.write(d.resolve("xs.npz"), Map.of("x", NpyArray.ofFloats(new long[] {n, 8}, x), "side", NpyArray.ofFloats(new long[] {n, 3}, side)));
    String spec = G.resolve("residual.json").toString();
    Run t = run("train", "--spec", spec, "--x", "x=" + d.resolve("x.npy"), "--x", "side=" + d.resolve("side.npy"), "--y",
        d.resolve("y.npy").toString(), "--epochs", "3", "--batch-size", "32", "--export", d.resolve("m").toString());
    assertEquals(0, t.code(), t.err());
    Run t2 = run("train", "--spec", spec, "--x", d.resolve("xs.npz").toString(), "--y", d.resolve("y.npy").toString(), "--epochs", "3",
        "--batch-size", "32");
    assertEquals(0, t2.code(), t2.err());
    String last1 = t.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    String last2 = t2.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertEquals(field(last1, "train_loss"), field(last2, "train_loss"), "the same arrays by .npz or NAME=FILE train alike");
    Run e = run("evaluate", "--model", d.resolve("m").toString(), "--x", d.resolve("xs.npz").toString(), "--y", d.resolve("y.npy").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("\"examples\":200"), e.out());
    Run e2 = run("evaluate", "--model", d.resolve("m").toString(), "--x", "side=" + d.resolve("side.npy"), "--x", "x=" + d.resolve("x.npy"),
        "--y", d.resolve("y.npy").toString());
    assertEquals(0, e2.code(), e2.err());
    assertEquals(field(e.out(), "loss"), field(e2.out(), "loss"), "evaluate: the same arrays by .npz or NAME=FILE");
    // read through memory maps, batch by batch: the same batches, so the same training
    Run t3 = run("train", "--spec", spec, "--x", "x=" + d.resolve("x.npy"), "--x", "side=" + d.resolve("side.npy"), "--y",
        d.resolve("y.npy").toString(), "--epochs", "3", "--batch-size", "32", "--memory-map");
    assertEquals(0, t3.code(), t3.err());
    assertEquals(field(last1, "train_loss"), field(t3.out().strip().lines().reduce((a, b) -> b).orElseThrow(), "train_loss"));
    Run b = run("bench", "--spec", spec, "--batch-size", "8", "--steps", "2", "--warmup", "1");
    assertTrue(b.code() == 0 && b.out().contains("\"ms_per_step\""), b.err() + b.out());
    Npy.write(d.resolve("side5.npy"), NpyArray.ofFloats(new long[] {5, 3}, java.util.Arrays.copyOf(side, 15)));
    Run rows = run("train", "--spec", spec, "--x", "x=" + d.resolve("x.npy"), "--x", "side=" + d.resolve("side5.npy"), "--y",
        d.resolve("y.npy").toString(), "--epochs", "1");
    assertTrue(rows.code() == 2 && rows.err().contains("input side has 5 examples, expected 200 (as input x"), rows.err());
    Run bad = run("train", "--spec", spec, "--x", d.resolve("x.npy").toString(), "--y", d.resolve("y.npy").toString(), "--epochs", "1");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("takes 2 inputs") && bad.err().contains("NAME=FILE.npy"), bad.err());
  }

  static String field(String json, String key) {
    int i = json.indexOf("\"" + key + "\":");
    return json.substring(i, json.indexOf(',', i));
  }
}
