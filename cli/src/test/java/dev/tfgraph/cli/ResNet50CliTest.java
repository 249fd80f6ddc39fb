package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.models.ResNet50;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet50 through the command line: the base (widths / 32) exported with torchvision-derived weights and checked
 * by `parity` against torchvision's float64 outputs (testdata/resnet/gen_resnet.py; the in-process comparison is
 * testkit's ResNet50Test), and ib-resnet50's options.
 */
class ResNet50CliTest {
  static final Path DIR = Path.of("..", "testdata", "resnet");
  static final String PREFIX = "resnet50_div32_64";

  @Test
  void exportedBaseMatchesTorchvisionThroughParity(@TempDir Path tmp) throws Exception {
    Functional f = Model.functional("resnet50-base");
    Model base = f.build(ResNet50.base(f.input("x", 64, 64, 3), 32, true));
    Path spec = tmp.resolve("spec.json");
    Files.writeString(spec, base.config());
    MainTest.Run ex = MainTest.run("export", "--spec", spec.toString(), "--weights", DIR.resolve(PREFIX + "_weights.npz").toString(),
        "--out", tmp.resolve("m").toString());
    assertEquals(0, ex.code(), ex.err());
    // the tolerance of testkit's ResNet50Test (float32 graph against float64 torchvision)
    MainTest.Run p = MainTest.run("parity", "--trusted", "--model", tmp.resolve("m").toString(),
        "--input", DIR.resolve(PREFIX + "_x.npy").toString(), "--expected", DIR.resolve(PREFIX + "_expected.npy").toString(),
        "--rtol", "1e-4", "--atol", "1e-4");
    assertEquals(0, p.code(), p.err() + p.out());
    assertTrue(p.err().contains(" 0 failing"), p.err());
    // and the default tolerance (1e-5, 1e-6) is too tight for 53 float32 convolutions: it must say so
    MainTest.Run tight = MainTest.run("parity", "--trusted", "--model", tmp.resolve("m").toString(),
        "--input", DIR.resolve(PREFIX + "_x.npy").toString(), "--expected", DIR.resolve(PREFIX + "_expected.npy").toString());
    assertEquals(1, tight.code(), tight.err() + tight.out());
  }

  @Test
  void ibResNet50SpecTakesReduceChannels() throws Exception {
    MainTest.Run r = MainTest.run("spec", "--model", "ib-resnet50", "--reduce-channels", "64", "--classes", "5", "--image-size", "96");
    assertEquals(0, r.code(), r.err());
    JsonNode spec = new ObjectMapper().readTree(r.out());
    assertEquals(96, spec.get("inputs").get(0).get("shape").get(1).asInt());
    JsonNode reduce = null, head = null;
    for (JsonNode l : spec.get("layers")) {
      if (l.get("name").asText().equals("reduce")) reduce = l;
      if (l.get("name").asText().equals("head")) head = l;
    }
    assertEquals(64, reduce.get("filters").asInt());
    assertEquals("conv5_block3_out", reduce.get("inbound").get(0).asText());
    assertEquals(5, head.get("units").asInt());
    MainTest.Run bad = MainTest.run("spec", "--model", "ib-resnet50", "--reduce-channels", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--reduce-channels"), bad.err());
    // an option the chosen model would ignore is an error, not a silent no-op
    String[][] ignored = {
        {"spec", "--model", "ib-vgg16", "--reduce-channels", "8"}, {"--reduce-channels applies to --model ib-resnet50 only, not to --model ib-vgg16"},
        {"spec", "--model", "cnn", "--image-size", "64"}, {"--image-size applies to --model ib-vgg16, ib-resnet50 only, not to --model cnn"},
        {"spec", "--model", "ib-resnet50", "--backbone-weights", "none.h5"}, {"--backbone-weights is read by train only, not by spec"},
        {"spec", "--spec", "../testdata/graphs/residual.json", "--sqrt", "eigh"}, {"--sqrt applies to --model ib-cnn, ib-vgg16, ib-resnet50, ib-keras only, not to --spec"},
    };
    for (int i = 0; i < ignored.length; i += 2) {
      MainTest.Run r2 = MainTest.run(ignored[i]);
      assertTrue(r2.code() == 2 && r2.err().contains(ignored[i + 1][0]), String.join(" ", ignored[i]) + ": " + r2.err());
    }
  }

  /**
   * The README's ib-resnet50 commands at 32×32 (all 23.6 M backbone weights, frozen, from their initializers: no
   * weights file ships): train with an export, predict from the export, and the summary lists every layer.
   */
  @Test
  void ibResNet50TrainsExportsAndPredictsFromTheCommandLine(@TempDir Path d) throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int n = 8;
    float[] x = new float[n * 32 * 32 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    long[] y = new long[n];
    for (int i = 0; i < n; i++) y[i] = i % 2;
    dev.tfgraph.graph.io.Npy.write(d.resolve("x.npy"), dev.tfgraph.graph.io.NpyArray.ofFloats(new long[] {n, 32, 32, 3}, x));
    dev.tfgraph.graph.io.Npy.write(d.resolve("y.npy"), dev.tfgraph.graph.io.NpyArray.ofLongs(new long[] {n}, y));
    MainTest.Run t = MainTest.run("train", "--model", "ib-resnet50", "--image-size", "32", "--classes", "2", "--reduce-channels", "8",
        "--sqrt", "eigh", "--no-freeze", "--x", d.resolve("x.npy").toString(), "--y", d.resolve("y.npy").toString(), "--epochs", "1", "--batch-size", "4",
        "--quiet", "--export", d.resolve("m").toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("\"stop\":\"completed\""), t.out());
    MainTest.Run p = MainTest.run("predict", "--model", d.resolve("m").toString(), "--input", d.resolve("x.npy").toString(),
        "--output", d.resolve("p.npy").toString());
    assertEquals(0, p.code(), p.err());
    float[] probs = dev.tfgraph.graph.io.Npy.read(d.resolve("p.npy")).toFloats();
    assertEquals(n * 2, probs.length);
    for (int i = 0; i < n; i++) assertEquals(1.0, probs[2 * i] + probs[2 * i + 1], 1e-5, "softmax rows");
    MainTest.Run s = MainTest.run("spec", "--model", "ib-resnet50", "--summary");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("conv1_pad") && s.out().contains("conv5_block3_out") && s.out().contains("23,587,712"), s.out());
  }

  /** Backbone weights of another size: exit 2 before any data is read, naming the key, expected and received shapes. */
  @Test
  void backboneWeightsOfAnotherWidthAreRefusedNamingTheKey() {
    MainTest.Run r = MainTest.run("train", "--model", "ib-resnet50", "--image-size", "32", "--epochs", "1",
        "--backbone-weights", Path.of("..", "testdata", "keras", "resnet50_div32_keras2.h5").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("conv1_conv.kernel") && r.err().contains("[7, 7, 3, 2]") && r.err().contains("expected [7, 7, 3, 64]"),
        r.err());
    MainTest.Run spec = MainTest.run("train", "--spec", Path.of("..", "testdata", "specs", "demo.json").toString(),
        "--backbone-weights", Path.of("..", "testdata", "keras", "resnet50_div32_keras2.h5").toString());
    assertEquals(2, spec.code(), spec.err());
    assertTrue(spec.err().contains("--backbone-weights"), spec.err());
  }
}
