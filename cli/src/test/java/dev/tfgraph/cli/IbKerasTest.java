package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.layers.keras.KerasModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --model ib-keras --keras FILE --cut-at NAME on seq_cnn.keras (testdata/keras/gen_models.py: Rescaling, conv1,
 * bn1, max_pooling2d, dilated, bn_plain, ..., logits): the backbone conv1 ... bn_plain keeps the file's weights when
 * frozen (BatchNormalization's moving statistics included), trains with --no-freeze, and from after the --freeze-to
 * layer; the head trains; the export predicts what the trained weights compute.
 */
class IbKerasTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "models");
  static final Path FILE = DIR.resolve("seq_cnn.keras");
  static final Path X = DIR.resolve("seq_cnn.x.npy");
  static final List<String> BACKBONE = List.of("conv1.kernel", "conv1.bias", "bn1.gamma", "bn1.beta", "bn1.moving_mean",
      "bn1.moving_variance", "dilated.kernel", "bn_plain.moving_mean", "bn_plain.moving_variance");
  @TempDir Path tmp;
  Path y;

  @BeforeEach
  void labels() throws Exception {
    y = tmp.resolve("y.npy");
    Npy.write(y, NpyArray.ofLongs(new long[] {5}, new long[] {0, 1, 2, 0, 1}));
  }

  /** Trains one epoch (sgd, a large step so that every trained weight moves) and returns the weights after it. */
  private Map<String, NpyArray> train(String... extra) throws Exception {
    Path w = tmp.resolve("w" + System.nanoTime() + ".npz");
    List<String> args = new ArrayList<>(List.of("train", "--model", "ib-keras", "--keras", FILE.toString(), "--cut-at", "bn_plain",
        "--x", X.toString(), "--y", y.toString(), "--classes", "3", "--epochs", "1", "--optimizer", "sgd", "--learning-rate", "0.5",
        "--threads", "1", "--quiet", "--save-weights", w.toString()));
    args.addAll(List.of(extra));
    MainTest.Run r = MainTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    String loss = r.out().replaceAll("(?s).*\"train_loss\":([^,]+),.*", "$1").strip();
    assertTrue(Double.isFinite(Double.parseDouble(loss)), r.out());
    assertTrue(r.out().contains("\"model\":\"ib-keras\"") && r.out().contains("\"cut_at\":\"bn_plain\""), r.out());
    return Npz.read(w);
  }

  private static double change(NpyArray before, NpyArray after) {
    float[] b = before.toFloats(), a = after.toFloats();
    assertEquals(b.length, a.length);
    double d = 0;
    for (int i = 0; i < b.length; i++) d = Math.max(d, Math.abs((double) a[i] - b[i]));
    return d;
  }

  @Test
  void aFrozenBackboneKeepsTheFileWeightsWhileTheHeadTrainsAndExports() throws Exception {
    Path base = tmp.resolve("exp");
    Map<String, NpyArray> after = train("--export", base.toString());
    Map<String, NpyArray> file = KerasModel.load(FILE).weights();
    for (String k : BACKBONE) assertEquals(0.0, change(file.get(k), after.get(k)), k + " of a frozen backbone moved");
    assertTrue(!after.containsKey("logits.kernel") && !after.containsKey("conv2d.kernel"), "cut away: " + after.keySet());
    var fresh = dev.tfgraph.layers.keras.transfer.KerasBackbone.ibKeras(KerasModel.load(FILE), "bn_plain", "svd", 3, true, 0).weights();
    assertTrue(change(fresh.get("head.kernel"), after.get("head.kernel")) > 1e-4, "the head did not train");

    Path out = tmp.resolve("p.npy");
    MainTest.Run p = MainTest.run("predict", "--model", base.toString(), "--input", X.toString(), "--output", out.toString());
    assertEquals(0, p.code(), p.err());
    float[] got = Npy.read(out).toFloats();
    assertEquals(15, got.length);
    var m = dev.tfgraph.layers.keras.transfer.KerasBackbone.ibKeras(KerasModel.load(FILE), "bn_plain", "svd", 3, true, 0).model();
    float[] want;
    try (var g = dev.tfgraph.graph.runtime.ModelRuntime.inference(m)) {
      g.setWeights(after);
      want = g.predict(Npy.read(X).toFloats(), 5, 5);
    }
    for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-4, "probability " + i);
    for (int r = 0; r < 5; r++) assertEquals(1.0, got[3 * r] + got[3 * r + 1] + got[3 * r + 2], 1e-4);
  }

  @Test
  void noFreezeTrainsTheBackboneAndItsBatchStatistics() throws Exception {
    Map<String, NpyArray> after = train("--no-freeze");
    Map<String, NpyArray> file = KerasModel.load(FILE).weights();
    for (String k : BACKBONE) assertTrue(change(file.get(k), after.get(k)) > 1e-6, k + " did not train with --no-freeze");
  }

  /** --freeze-to bn1: conv1 and bn1 stay as the file has them, the backbone after bn1 trains (Keras' fine-tuning recipe). */
  @Test
  void freezeToFreezesTheBackboneUpToTheLayerAndTrainsTheRest() throws Exception {
    Map<String, NpyArray> after = train("--freeze-to", "bn1");
    Map<String, NpyArray> file = KerasModel.load(FILE).weights();
    for (String k : BACKBONE) {
      double d = change(file.get(k), after.get(k));
      if (k.startsWith("conv1.") || k.startsWith("bn1.")) assertEquals(0.0, d, k + " frozen by --freeze-to bn1 moved");
      else assertTrue(d > 1e-6, k + " after --freeze-to bn1 did not train");
    }
  }

  @Test
  void badInputsExitTwoWithOneLine() {
    String f = FILE.toString();
    String[] data = {"--x", X.toString(), "--y", y.toString(), "--classes", "3", "--quiet"};
    FirstContactTest.refused(new String[] {"--cut-at: no layer named bn_plian in seq_cnn", "nearest names: bn_plain"},
        with(data, "train", "--model", "ib-keras", "--keras", f, "--cut-at", "bn_plian"));
    FirstContactTest.refused(new String[] {"--cut-at logits", "[None, 4] has rank 2", "[batch, height, width, channels]"},
        with(data, "train", "--model", "ib-keras", "--keras", f, "--cut-at", "logits"));
    FirstContactTest.refused(new String[] {"--cut-at pixels is an input"}, with(data, "train", "--model", "ib-keras", "--keras", f,
        "--cut-at", "pixels"));
    FirstContactTest.refused(new String[] {"--model ib-keras needs --keras FILE"}, with(data, "train", "--model", "ib-keras",
        "--cut-at", "bn1"));
    FirstContactTest.refused(new String[] {"--model ib-keras needs --cut-at NAME"}, with(data, "train", "--model", "ib-keras",
        "--keras", f));
    FirstContactTest.refused(new String[] {"--cut-at goes with --model ib-keras"}, with(data, "train", "--keras", f, "--cut-at", "bn1"));
    FirstContactTest.refused(new String[] {"--cut-at goes with --model ib-keras", "--model cnn"}, "train", "--model", "cnn",
        "--cut-at", "bn1", "--quiet");
    FirstContactTest.refused(new String[] {"--freeze freezes no layer of the backbone that --cut-at conv1 keeps"},
        with(data, "train", "--model", "ib-keras", "--keras", f, "--cut-at", "conv1", "--freeze", "bn_axis3"));
    FirstContactTest.refused(new String[] {"give --freeze-to or --no-freeze, not both"}, with(data, "train", "--model", "ib-keras",
        "--keras", f, "--cut-at", "bn1", "--freeze-to", "conv1", "--no-freeze"));
    FirstContactTest.refused(new String[] {"--image-size applies to", "the Keras file's input size"}, with(data, "train", "--model",
        "ib-keras", "--keras", f, "--cut-at", "bn1", "--image-size", "64"));
    FirstContactTest.refused(new String[] {"train --model ib-keras --keras FILE --cut-at NAME"}, "spec", "--model", "ib-keras");
  }

  private static String[] with(String[] tail, String... head) {
    List<String> out = new ArrayList<>(List.of(head));
    out.addAll(List.of(tail));
    return out.toArray(String[]::new);
  }
}
