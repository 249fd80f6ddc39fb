package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --loss from the command line on generated data: a regression (mse, mae) and a multi-label
 * binary model reach a stated quality, one-hot targets with label smoothing train, and the
 * mismatches between a loss and its targets are exit 2 with one line.
 */
class LossesCommandTest {
  static final int N = 400;

  static double field(String out, String key) {
    String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    int i = last.indexOf("\"" + key + "\":");
    assertTrue(i >= 0, key + " in " + last);
    int from = i + key.length() + 3, to = from;
    while (to < last.length() && ",}".indexOf(last.charAt(to)) < 0) to++;
    return Double.parseDouble(last.substring(from, to));
  }

  static Path[] data(Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[N * 4], reg = new float[N], multi = new float[N * 3], onehot = new float[N * 3];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) r.nextGaussian();
      float a = x[i * 4], b = x[i * 4 + 1], c = x[i * 4 + 2], e = x[i * 4 + 3];
      reg[i] = a - 2 * b + 0.5f * c + 0.3f;
      multi[i * 3] = a > 0 ? 1 : 0;
      multi[i * 3 + 1] = b + c > 0 ? 1 : 0;
      multi[i * 3 + 2] = e < 0.5 ? 1 : 0;
      onehot[i * 3 + (a > 0 ? (b > 0 ? 0 : 1) : 2)] = 1;
    }
    Path[] f = {d.resolve("x.npy"), d.resolve("reg.npy"), d.resolve("multi.npy"), d.resolve("onehot.npy"), d.resolve("reg.json"),
        d.resolve("bin.json"), d.resolve("cls.json")};
    Npy.write(f[0], NpyArray.ofFloats(new long[] {N, 4}, x));
    Npy.write(f[1], NpyArray.ofFloats(new long[] {N, 1}, reg));
    Npy.write(f[2], NpyArray.ofFloats(new long[] {N, 3}, multi));
    Npy.write(f[3], NpyArray.ofFloats(new long[] {N, 3}, onehot));
    String head = "{\"name\": \"%s\", \"input\": {\"name\": \"x\", \"shape\": [null, 4]}, \"layers\": [{\"type\": \"Dense\", \"name\": \"h\", "
        + "\"units\": 16, \"activation\": \"relu\"}, {\"type\": \"Dense\", \"name\": \"out\", \"units\": %d, \"activation\": \"%s\"}]}";
    Files.writeString(f[4], String.format(java.util.Locale.ROOT, head, "reg", 1, "linear"));
    Files.writeString(f[5], String.format(java.util.Locale.ROOT, head, "bin", 3, "sigmoid"));
    Files.writeString(f[6], String.format(java.util.Locale.ROOT, head, "cls", 3, "softmax"));
    return f;
  }

  static String[] train(Path spec, Path x, Path y, String loss, String... more) {
    String[] base = {"train", "--spec", spec.toString(), "--x", x.toString(), "--y", y.toString(), "--loss", loss, "--epochs", "40",
        "--batch-size", "32", "--learning-rate", "0.01", "--quiet"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void regressionAndMultiLabelTrainToAStatedQuality(@TempDir Path d) throws Exception {
    Path[] f = data(d);
    Run mse = MainTest.run(train(f[4], f[0], f[1], "mse"));
    assertEquals(0, mse.code(), mse.err());
    // the target's variance is 5.25: a linear fit explains it to within 1%
    assertTrue(field(mse.out(), "train_mse") < 0.05, mse.out());
    assertTrue(mse.out().contains("\"train_accuracy\":null") && mse.out().contains("\"loss\":\"mse\""), mse.out());
    Run mae = MainTest.run(train(f[4], f[0], f[1], "mae", "--validation-split", "0.2"));
    assertEquals(0, mae.code(), mae.err());
    assertTrue(field(mae.out(), "train_mae") < 0.2, mae.out());
    Run bin = MainTest.run(train(f[5], f[0], f[2], "binary_crossentropy"));
    assertEquals(0, bin.code(), bin.err());
    assertTrue(field(bin.out(), "train_accuracy") > 0.95, "binary accuracy over 3 labels: " + bin.out());
    Run cce = MainTest.run(train(f[6], f[0], f[3], "categorical_crossentropy", "--label-smoothing", "0.1"));
    assertEquals(0, cce.code(), cce.err());
    assertTrue(field(cce.out(), "train_accuracy") > 0.9, cce.out());
  }

  /** --metrics in train's summary; evaluate --loss on float targets reports the same metrics as train. */
  @Test
  void metricsByNameInTrainAndEvaluate(@TempDir Path d) throws Exception {
    Path[] f = data(d);
    Path base = d.resolve("bin");
    Run bin = MainTest.run(train(f[5], f[0], f[2], "binary_crossentropy", "--metrics", "accuracy,mse", "--export", base.toString()));
    assertEquals(0, bin.code(), bin.err());
    assertTrue(field(bin.out(), "train_mse") < 0.05 && field(bin.out(), "train_accuracy") > 0.95, bin.out());
    Run ev = MainTest.run("evaluate", "--model", base.toString(), "--x", f[0].toString(), "--y", f[2].toString(),
        "--loss", "binary_crossentropy", "--metrics", "accuracy,mse,mae");
    assertEquals(0, ev.code(), ev.err());
    assertTrue(field(ev.out(), "accuracy") > 0.95 && field(ev.out(), "mse") < 0.05 && field(ev.out(), "mae") < 0.2, ev.out());
    assertTrue(field(ev.out(), "loss") < 0.2 && ev.out().contains("\"loss_name\":\"binary_crossentropy\""), ev.out());
    Run top = MainTest.run(train(f[6], f[0], f[3], "categorical_crossentropy", "--metrics", "top_2_accuracy"));
    assertEquals(0, top.code(), top.err());
    assertTrue(field(top.out(), "train_top_2_accuracy") > 0.5 && top.out().contains("\"train_accuracy\":null"), top.out());
    Run[] bad = {
        MainTest.run(train(f[4], f[0], f[1], "mse", "--metrics", "accuracy")),
        MainTest.run(train(f[4], f[0], f[1], "mse", "--metrics", "f1")),
        MainTest.run(train(f[4], f[0], f[1], "mse", "--metrics", "mse,mse")),
        MainTest.run("evaluate", "--model", base.toString(), "--x", f[0].toString(), "--y", f[1].toString(), "--loss", "binary_crossentropy"),
    };
    String[] expect = {"metric accuracy: expected a classification loss, received loss mse", "unknown metric \"f1\"",
        "mse is named twice", "expected [3]"};
    for (int i = 0; i < bad.length; i++) {
      assertEquals(2, bad[i].code(), i + ": " + bad[i].err());
      assertTrue(bad[i].err().contains(expect[i]) && bad[i].err().strip().lines().count() == 1, i + ": " + bad[i].err());
    }
  }

  @Test
  void aLossAndTargetsThatDoNotFitAreNamed(@TempDir Path d) throws Exception {
    Path[] f = data(d);
    Path twos = d.resolve("twos.npy");
    float[] t = new float[N * 3];
    java.util.Arrays.fill(t, 2f);
    Npy.write(twos, NpyArray.ofFloats(new long[] {N, 3}, t));
    Run[] runs = {
        MainTest.run(train(f[4], f[0], f[3], "mse")),
        MainTest.run(train(f[6], f[0], f[1], "sparse_categorical_crossentropy")),
        MainTest.run(train(f[5], f[0], f[1], "binary_crossentropy")),
        MainTest.run(train(f[5], f[0], f[3], "hinge")),
        MainTest.run(train(f[4], f[0], f[1], "mse", "--label-smoothing", "0.1")),
        MainTest.run(train(f[5], f[0], twos, "binary_crossentropy")),
    };
    String[] expect = {"targets have shape [3] per example, expected [1]", "labels must have an integer dtype", "targets have shape [1] per example, expected [3]",
        "unknown loss \"hinge\"", "--label-smoothing applies to", "outside [0, 1]"};
    for (int i = 0; i < runs.length; i++) {
      assertEquals(2, runs[i].code(), runs[i].err());
      assertTrue(runs[i].err().contains(expect[i]) && runs[i].err().strip().lines().count() == 1, i + ": " + runs[i].err());
    }
  }
}
