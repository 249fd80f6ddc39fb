package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import picocli.CommandLine;

/** Hostile command lines: every one ends in the contract's exit status with one line on stderr, never a stack trace. */
class HostileInputTest {
  /** One line on stderr, starting "tfgraph:", no stack trace. */
  static void oneLine(MainTest.Run r) {
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("tfgraph: "), err);
    assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
  }

  static void badUsage(String mentions, String... args) {
    MainTest.Run r = MainTest.run(args);
    assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
    oneLine(r);
    assertTrue(r.err().contains(mentions), String.join(" ", args) + ": " + r.err());
  }

  /** 10 (or n) rows of 3 features and 0/1 labels for testdata/specs/demo.json. */
  static Path[] data(Path d, int n) throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[n * 3];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) x[i * 3 + j] = (float) r.nextGaussian();
      y[i] = x[i * 3] > 0 ? 1 : 0;
    }
    Path xs = d.resolve("x" + n + ".npy"), ys = d.resolve("y" + n + ".npy");
    Npy.write(xs, NpyArray.ofFloats(new long[] {n, 3}, x));
    Npy.write(ys, NpyArray.ofLongs(new long[] {n}, y));
    return new Path[] {xs, ys};
  }

  static List<String> train(Path spec, Path[] data, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--spec", spec.toString(), "--x", data[0].toString(), "--y", data[1].toString(),
        "--quiet", "--threads", "1"));
    a.addAll(List.of(more));
    return a;
  }

  static final Path DEMO = Path.of("..", "testdata", "specs", "demo.json");

  // 1. JVM errors

  @Test
  void outOfMemoryIsExitThreeWithOneLine() throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "--model", "cnn", "--batch-size", "300000");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), err);
    assertEquals("", out.strip());
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("tfgraph: out of memory while running bench") && err.contains("TFGRAPH_JAVA_OPTS"), err);
  }

  @Test
  void errorsAndUnexpectedThrowablesAreExitThreeWithOneLine() {
    PrintStream e = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(3, Main.failure(new RunFailedException("preparing a batch failed", new OutOfMemoryError("Java heap space")), "train", false));
      assertEquals(3, Main.failure(new StackOverflowError(), "spec", false));
      assertEquals(3, Main.failure(new AssertionError("x\ny"), "train", false));
      assertEquals(3, Main.failure(new NullPointerException(), "evaluate", false));
    } finally {
      System.setErr(e);
    }
    List<String> lines = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(lines.get(0).startsWith("tfgraph: out of memory while running train"), lines.get(0));
    assertTrue(lines.get(1).startsWith("tfgraph: stack overflow while running spec"), lines.get(1));
    assertTrue(lines.get(2).startsWith("tfgraph: train failed: AssertionError: x y"), lines.get(2));
    assertTrue(lines.get(3).startsWith("tfgraph: evaluate failed: NullPointerException"), lines.get(3));
  }

  // 2. numeric options

  @Test
  void numericOptionsOutOfRangeAreBadUsage() {
    String[][] cases = {
        {"--gamma", "train", "--model", "cnn", "--schedule", "step", "--gamma", "NaN"},
        {"--gamma", "train", "--model", "cnn", "--gamma", "0"},
        {"--gamma", "train", "--model", "cnn", "--gamma", "1.5"},
        {"--learning-rate", "train", "--model", "cnn", "--learning-rate", "0"},
        {"--learning-rate", "train", "--model", "cnn", "--learning-rate", "Infinity"},
        {"--learning-rate", "train", "--model", "cnn", "--learning-rate", "-NaN"},
        {"--step-epochs", "train", "--model", "cnn", "--schedule", "step", "--step-epochs", "0"},
        {"--max-steps", "train", "--model", "cnn", "--max-steps", "-1"},
        {"--threads", "train", "--model", "cnn", "--threads", "-2"},
        {"--epochs", "train", "--model", "cnn", "--epochs", "0"},
        {"--batch-size", "train", "--model", "cnn", "--batch-size", "-5"},
        {"--validation-split", "train", "--model", "cnn", "--validation-split", "0.9"},
        {"--momentum", "train", "--model", "cnn", "--momentum", "2"},
        {"--clip-norm", "train", "--model", "cnn", "--clip-norm", "-1"},
        {"--patience", "train", "--model", "cnn", "--patience", "-1"},
        {"--connect-timeout", "train", "--model", "cnn", "--connect-timeout", "0"},
        {"--step-timeout", "train", "--model", "cnn", "--step-timeout", "-1"},
        {"--taylor-order", "spec", "--model", "taylor-cnn", "--taylor-order", "99"},
        {"--image-size", "spec", "--model", "ib-vgg16", "--image-size", "0"},
        {"--steps", "bench", "--model", "cnn", "--steps", "0"},
        {"--warmup", "bench", "--model", "cnn", "--warmup", "-1"},
        {"--batch-size", "bench", "--model", "cnn", "--batch-size", "2147483647"},
        {"--repeats", "bench-layers", "--repeats", "0"},
        {"--batch-sizes", "bench-predict", "--model", "m", "--batch-sizes", "1,0"},
        {"--iterations", "bench-predict", "--model", "m", "--iterations", "0"},
        {"--sizes", "bench-sqrt", "--sizes", "32x"},
        {"--sizes", "bench-sqrt", "--sizes", "1x999999"},
        {"--batch-size", "predict", "--batch-size", "0", "--model", "m", "--input", "x.npy", "--output", "y.npy"},
        {"--batch-size", "evaluate", "--batch-size", "0", "--model", "m"},
        {"--rtol", "parity", "--rtol", "NaN", "--model", "m", "--input", "x", "--expected", "y"},
        {"--atol", "parity", "--atol", "Infinity", "--model", "m", "--input", "x", "--expected", "y"},
        {"--version", "export", "--version", "0", "--spec", "s", "--weights", "w", "--out", "o"},
        {"--epochs", "demo", "--epochs", "0"},
        {"--threads", "worker", "--cluster", "c.json", "--threads", "-1"},
    };
    for (String[] c : cases) badUsage(c[0], java.util.Arrays.copyOfRange(c, 1, c.length));
    MainTest.Run gamma = MainTest.run("train", "--model", "cnn", "--schedule", "step", "--gamma", "NaN");
    assertTrue(gamma.err().contains("expected a number in (0, 1], received NaN"), gamma.err());
  }

  // 3. runs that train nothing

  /** --resume from a checkpoint that already holds every epoch trains nothing, says so, and still writes the outputs. */
  @Test
  void resumingAFinishedRunTrainsNothingAndWritesItsOutputs(@TempDir Path d) throws Exception {
    Path[] ten = data(d, 10);
    Path ckpt = d.resolve("ckpt");
    assertEquals(0, MainTest.run(train(DEMO, ten, "--epochs", "2", "--checkpoint-dir", ckpt.toString()).toArray(String[]::new)).code());
    MainTest.Run again = MainTest.run(train(DEMO, ten, "--epochs", "2", "--checkpoint-dir", ckpt.toString(), "--resume",
        "--save-weights", d.resolve("w.npz").toString()).toArray(String[]::new));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("\"stop\":\"already_completed\"") && again.out().contains("\"epochs\":0,"), again.out());
    assertTrue(Files.exists(d.resolve("w.npz")));
    MainTest.Run more = MainTest.run(train(DEMO, ten, "--epochs", "3", "--checkpoint-dir", ckpt.toString(), "--resume").toArray(String[]::new));
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains("\"epochs\":1,"), more.out());
  }

  @Test
  void hugeBatchTrainsOneStepAndEmptySplitsAreRefused(@TempDir Path d) throws Exception {
    Path[] ten = data(d, 10);
    MainTest.Run huge = MainTest.run(train(DEMO, ten, "--batch-size", "2147483647", "--epochs", "2").toArray(String[]::new));
    assertEquals(0, huge.code(), huge.err());
    assertTrue(huge.out().contains("\"steps\":2,") && huge.out().contains("\"stop\":\"completed\""), huge.out());
    MainTest.Run none = MainTest.run(train(DEMO, ten, "--validation-split", "0.04", "--patience", "1").toArray(String[]::new));
    assertEquals(2, none.code(), none.err());
    oneLine(none);
    assertTrue(none.err().contains("of 10 training examples holds out 0 for validation and leaves 10"), none.err());
    MainTest.Run all = MainTest.run(train(DEMO, data(d, 1), "--validation-split", "0.5").toArray(String[]::new));
    assertEquals(2, all.code(), all.err());
    assertTrue(all.err().contains("holds out 1 for validation and leaves 0 for training"), all.err());
  }

  // 4. --help

  @Test
  void everyCommandsHelpExitsZero() {
    assertEquals(0, MainTest.run("--help").code());
    for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
      MainTest.Run r = MainTest.run(name, "--help");
      assertEquals(0, r.code(), name + ": " + r.err());
      assertTrue(r.out().contains("Usage: tfgraph " + name), name + ": " + r.out());
    }
    assertTrue(MainTest.run("export", "--help").out().contains("--version=N"));
  }

  // 5. output paths

  @Test
  void badOutputPathsAreRefusedBeforeTraining(@TempDir Path d) throws Exception {
    Path file = Files.writeString(d.resolve("file"), "x");
    Path[] ten = data(d, 10);
    String[][] cases = {
        {"--plot", "--plot", file.resolve("curve.png").toString()},
        {"--plot", "--plot", d.toString()},
        {"--checkpoint-dir", "--checkpoint-dir", file.toString()},
        {"--logdir", "--logdir", file.toString()},
        {"--save-weights", "--save-weights", file.resolve("w.npz").toString()},
        {"--export", "--export", file.toString()},
    };
    for (String[] c : cases) {
      MainTest.Run r = MainTest.run(train(DEMO, ten, c[1], c[2]).toArray(String[]::new));
      assertEquals(2, r.code(), r.err());
      oneLine(r);
      assertTrue(r.err().contains(c[0]) && !r.out().contains("\"steps\""), r.err());
    }
    MainTest.Run logdir = MainTest.run(train(DEMO, ten, "--logdir", file.toString()).toArray(String[]::new));
    assertTrue(logdir.err().contains("--logdir " + file + " is a file, expected a folder"), logdir.err());
    badUsage("--output", "predict", "--model", "m", "--input", ten[0].toString(), "--output", d.toString());
    badUsage("--out", "weights", "--model", "m", "--out", d.toString());
    badUsage("--out", "export", "--spec", DEMO.toString(), "--weights", "w.npz", "--out", file.toString());
  }

  @Test
  void aPlotThatFailsAfterTrainingKeepsTheWeightsAndTheExport(@TempDir Path d) throws Exception {
    Path[] ten = data(d, 10);
    // --plot passes every check before training (its folder exists and is writable), but it is a
    // link to a path below a regular file, so writing the plot fails once training is done.
    Files.writeString(d.resolve("afile"), "in the way");
    Files.createSymbolicLink(d.resolve("curve.png"), Path.of("afile", "curve.png"));
    MainTest.Run r = MainTest.run(train(DEMO, ten, "--save-weights", d.resolve("w.npz").toString(), "--export",
        d.resolve("model").toString(), "--plot", d.resolve("curve.png").toString()).toArray(String[]::new));
    assertEquals(3, r.code(), r.err());
    oneLine(r);
    assertTrue(r.err().contains("--plot") && r.err().contains("the weights and the export were written"), r.err());
    assertTrue(Files.isRegularFile(d.resolve("w.npz")));
    assertTrue(Files.isRegularFile(d.resolve("model/1/saved_model.pb")));
    assertTrue(r.out().contains("\"export\":") && r.out().contains("\"plot\":null"), r.out());
  }

  // 6. standard output

  @Test
  void writeErrorsOnStandardOutputAreExitThree() {
    PrintStream o = System.out, e = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    }, true, java.nio.charset.StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.execute("spec", "--model", "cnn");
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    assertEquals(3, code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("tfgraph: cannot write to standard output", err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
  }

  // 7. messages built from an IOException

  @Test
  void ioErrorsSayWhatIsWrongWithoutRepeatingThePath(@TempDir Path d) throws Exception {
    Path missing = d.resolve("my.json");
    MainTest.Run spec = MainTest.run("spec", "--spec", missing.toString());
    assertEquals(2, spec.code());
    oneLine(spec);
    assertTrue(spec.err().contains(missing + ": no such file"), spec.err());
    assertEquals(spec.err().indexOf(missing.toString()), spec.err().lastIndexOf(missing.toString()), spec.err());
    MainTest.Run cluster = MainTest.run("train", "--model", "cnn", "--cluster", missing.toString());
    assertEquals(2, cluster.code());
    assertTrue(cluster.err().contains(missing + ": no such file"), cluster.err());
    assertEquals(cluster.err().indexOf(missing.toString()), cluster.err().lastIndexOf(missing.toString()), cluster.err());
    Path file = Files.writeString(d.resolve("file"), "x");
    MainTest.Run under = MainTest.run("spec", "--spec", file.resolve("s.json").toString());
    assertEquals(2, under.code());
    assertTrue(under.err().contains("not a folder"), under.err());
  }

  // 8. broken models and foreign checkpoints

  /** A SavedModel that loads but cannot run: its output reshapes [batch, 3] to [7]. */
  static Path unrunnableModel(Path dir) throws Exception {
    AttrValue f32 = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();
    TensorProto seven = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(HostileModelTest.shape(1)).addIntVal(7).build();
    NodeDef s = NodeDef.newBuilder().setName("s").setOp("Const").putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_INT32).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(seven).build()).build();
    NodeDef out = NodeDef.newBuilder().setName("output").setOp("Reshape").addInput("x").addInput("s").putAttr("T", f32)
        .putAttr("Tshape", AttrValue.newBuilder().setType(DataType.DT_INT32).build()).build();
    return HostileModelTest.savedModel(dir, HostileModelTest.shape(-1), s, out);
  }

  @Test
  void anUnrunnableModelIsBadInputTrustedOrNot(@TempDir Path d) throws Exception {
    Path model = unrunnableModel(d.resolve("broken"));
    Path[] f = MainTest.fixture(d);
    for (boolean trusted : new boolean[] {false, true}) {
      List<String> a = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input", f[2].toString(), "--output",
          d.resolve("o.npy").toString()));
      if (trusted) a.add("--trusted");
      MainTest.Run r = MainTest.run(a.toArray(String[]::new));
      assertEquals(2, r.code(), "trusted " + trusted + ": " + r.err());
      oneLine(r);
      assertTrue(Files.notExists(d.resolve("o.npy")));
    }
    MainTest.Run inspect = MainTest.run("inspect", "--model", model.toString(), "--trusted");
    assertEquals(2, inspect.code(), inspect.err());
  }

  @Test
  void resumingFromAnotherModelsCheckpointIsBadInput(@TempDir Path d) throws Exception {
    Path[] ten = data(d, 10);
    Path ck = d.resolve("ck");
    MainTest.Run first = MainTest.run(train(DEMO, ten, "--checkpoint-dir", ck.toString(), "--optimizer", "sgd").toArray(String[]::new));
    assertEquals(0, first.code(), first.err());
    Path wider = Files.writeString(d.resolve("wider.json"), Files.readString(DEMO).replace("\"units\": 4", "\"units\": 5"));
    MainTest.Run other = MainTest.run(train(wider, ten, "--checkpoint-dir", ck.toString(), "--resume", "--epochs", "2").toArray(String[]::new));
    assertEquals(2, other.code(), other.err());
    oneLine(other);
    assertTrue(other.err().contains("resume: checkpoint") && other.err().contains("is not of this model") && other.err().contains("expected [3, 5]"), other.err());
    MainTest.Run adam = MainTest.run(train(DEMO, ten, "--checkpoint-dir", ck.toString(), "--resume", "--epochs", "2").toArray(String[]::new));
    assertEquals(2, adam.code(), adam.err());
    assertTrue(adam.err().contains("another optimizer"), adam.err());
  }
}
