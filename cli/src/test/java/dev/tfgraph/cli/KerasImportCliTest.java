package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spec --keras and export --keras + predict on models written by Keras 3 (testdata/keras/gen_models.py). */
class KerasImportCliTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "models");
  @TempDir Path tmp;

  @Test
  void specPrintsFormatTwoAndListsRenamesOnStderr() {
    MainTest.Run r = MainTest.run("spec", "--keras", DIR.resolve("func_residual.keras").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"format_version\" : 2") && r.out().contains("\"inbound\" : [ \"image\" ]"), r.out());
    assertTrue(r.err().contains("renamed layer \"res.add\" -> \"res_add\""), r.err());
    MainTest.Run s = MainTest.run("spec", "--keras", DIR.resolve("seq_cnn.h5").toString(), "--summary");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("dilated (Conv2D)") && s.out().contains("Total params: 1,084"), s.out());
  }

  /** A model built on keras.Input((None, None, 3)): refused naming --input-shape, imported with it, and its export equals Keras. */
  @Test
  void unknownInputSizesAreGivenWithInputShape() throws Exception {
    String f = DIR.resolve("any_size.keras").toString();
    FirstContactTest.refused(new String[] {"input 'image': size null at axis 1", "--input-shape image=d1,d2,..."}, "spec", "--keras", f);
    FirstContactTest.refused(new String[] {"--input-shape names picture, which is not an input of the model (its inputs: [image])"},
        "spec", "--keras", f, "--input-shape", "image=8,8,3", "--input-shape", "picture=1,2,3");
    FirstContactTest.refused(new String[] {"--input-shape image gives 9 at axis 3, where the file says 3"},
        "spec", "--keras", f, "--input-shape", "image=8,8,9");
    FirstContactTest.refused(new String[] {"--input-shape image=8,0,3: size 2: expected an integer in [1, 2147483647]"},
        "spec", "--keras", f, "--input-shape", "image=8,0,3");
    FirstContactTest.refused(new String[] {"--input-shape applies to --keras only"},
        "spec", "--model", "cnn", "--input-shape", "image=8,8,3");
    Path base = tmp.resolve("any");
    MainTest.Run e = MainTest.run("export", "--keras", f, "--input-shape", "image=8,8,3", "--out", base.toString());
    assertEquals(0, e.code(), e.err());
    MainTest.Run p = MainTest.run("predict", "--model", base.toString(), "--input", DIR.resolve("any_size.x.npy").toString(),
        "--output", tmp.resolve("any.npy").toString());
    assertEquals(0, p.code(), p.err());
    float[] got = Npy.read(tmp.resolve("any.npy")).toFloats(), want = Npy.read(DIR.resolve("any_size.y.npy")).toFloats();
    double max = 0, scale = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    assertTrue(max <= 1e-4 * scale, max + " vs scale " + scale);
  }

  /** An image model whose input goes straight into a layer that scales nothing is warned about; one that rescales first is not. */
  @Test
  void specWarnsWhenAnImageModelScalesNothing() {
    MainTest.Run r = MainTest.run("spec", "--keras", DIR.resolve("func_residual.keras").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("tfgraph: warning: ") && r.err().contains("input 'image' goes straight into 'branch_conv' (Conv2D)")
        && r.err().contains("--preprocess raw255|caffe|torch|tf"), r.err());
    MainTest.Run s = MainTest.run("spec", "--keras", DIR.resolve("seq_cnn.keras").toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(!s.err().contains("warning"), "seq_cnn starts with Rescaling: " + s.err());
  }

  @Test
  void exportThenPredictEqualsKeras() throws Exception {
    for (String ext : new String[] {".keras", ".h5"}) {
      Path base = tmp.resolve("two" + ext);
      MainTest.Run e = MainTest.run("export", "--keras", DIR.resolve("func_two_inputs" + ext).toString(), "--out", base.toString());
      assertEquals(0, e.code(), e.err());
      Path y = tmp.resolve("y" + ext + ".npy");
      MainTest.Run p = MainTest.run("predict", "--model", base.toString(), "--input", "img=" + DIR.resolve("func_two_inputs.x_img.npy"),
          "--input", "vec=" + DIR.resolve("func_two_inputs.x_vec.npy"), "--output", y.toString());
      assertEquals(0, p.code(), p.err());
      float[] got = Npy.read(y).toFloats(), want = Npy.read(DIR.resolve("func_two_inputs.y.npy")).toFloats();
      double max = 0, scale = 0;
      for (int i = 0; i < want.length; i++) {
        max = Math.max(max, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      assertTrue(max <= 1e-4 * scale, ext + ": " + max + " vs scale " + scale);
      String spec = Files.readString(Files.list(base).findFirst().orElseThrow().resolve("assets.extra/tfgraph.json"));
      assertTrue(spec.contains("func_two_inputs" + ext), "the provenance names the Keras file: " + spec);
    }
  }

  @Test
  void refusalsAreOneLineExitTwo() {
    FirstContactTest.refused(new String[] {"cannot import the model", "'plus_one' Lambda", "'renorm_bn' BatchNormalization: renorm true"}, "spec", "--keras", DIR.resolve("refuse_many.keras").toString());
    FirstContactTest.refused(new String[] {"2 outputs"}, "export", "--keras", DIR.resolve("refuse_two_outputs.keras").toString(),
        "--out", tmp.resolve("x").toString());
    FirstContactTest.refused(new String[] {"is an HDF5 external link"}, "spec", "--keras", DIR.resolve("../hdf5_external_link.h5").toString());
  }

  @Test
  void kerasIsExclusiveWithSpecWeightsAndModel() throws Exception {
    Path k = DIR.resolve("seq_mlp.keras");
    FirstContactTest.refused(new String[] {"either --keras FILE or --spec FILE --weights FILE.npz"}, "export", "--keras", k.toString(),
        "--spec", HostileInputTest.DEMO.toString(), "--out", tmp.resolve("a").toString());
    FirstContactTest.refused(new String[] {"--keras FILE"}, "export", "--spec", HostileInputTest.DEMO.toString(), "--out", tmp.resolve("b").toString());
    FirstContactTest.refused(new String[] {"exactly one of --model NAME, --spec FILE or --keras FILE"}, "spec", "--keras", k.toString(),
        "--model", "cnn");
    Path notZip = Files.writeString(tmp.resolve("n.keras"), "x");
    FirstContactTest.refused(new String[] {"neither a zip"}, "spec", "--keras", notZip.toString());
  }

  /** train --keras: one step from the file's weights equals Keras' step (testdata/keras/gen_train_step.py); --save-weights, --export. */
  @Test
  void trainKerasOneStepEqualsKerasThenExports() throws Exception {
    Path d = DIR.resolve("../train");
    Path w = tmp.resolve("after.npz");
    MainTest.Run r = MainTest.run("train", "--keras", d.resolve("step_cnn.keras").toString(), "--x", d.resolve("step_cnn.x.npy").toString(),
        "--y", d.resolve("step_cnn.y.npy").toString(), "--optimizer", "sgd", "--learning-rate", "0.1", "--batch-size", "16", "--no-shuffle",
        "--threads", "1", "--quiet", "--save-weights", w.toString(), "--export", tmp.resolve("exp").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"keras_file\":") && r.out().contains("\"steps\":1,") && r.out().contains("\"export\":"), r.out());
    var before = dev.tfgraph.layers.keras.KerasModel.load(d.resolve("step_cnn.keras")).weights();
    var want = dev.tfgraph.graph.io.Npz.read(d.resolve("step_cnn.after.npz"));
    var got = dev.tfgraph.graph.io.Npz.read(w);
    assertEquals(want.keySet(), got.keySet());
    for (String k : want.keySet()) {
      float[] b = before.get(k).toFloats(), kw = want.get(k).toFloats(), tw = got.get(k).toFloats();
      double diff = 0, scale = 0;
      for (int i = 0; i < b.length; i++) {
        diff = Math.max(diff, Math.abs(((double) tw[i] - b[i]) - ((double) kw[i] - b[i])));
        scale = Math.max(scale, Math.abs((double) kw[i] - b[i]));
      }
      assertTrue(diff <= 1e-4 * scale, k + ": " + diff + " of " + scale);
    }
  }

  @Test
  void trainKerasRefusals() {
    Path k = DIR.resolve("../train/step_cnn.keras");
    FirstContactTest.refused(new String[] {"either --keras FILE", "not both"}, "train", "--keras", k.toString(), "--model", "cnn");
    FirstContactTest.refused(new String[] {"either --keras FILE", "not both"}, "train", "--keras", k.toString(), "--weights", "w.npz");
    FirstContactTest.refused(new String[] {"--freeze conv1: layer names go with --keras"}, "train", "--model", "cnn", "--freeze", "conv1");
    FirstContactTest.refused(new String[] {"--freeze-to: no top-level layer named nope", "conv, bn_conv"}, "train", "--keras", k.toString(),
        "--freeze-to", "nope");
    FirstContactTest.refused(new String[] {"--freeze: no layer named nope"}, "train", "--keras", k.toString(), "--freeze", "conv,nope");
    FirstContactTest.refused(new String[] {"--sqrt applies to --model", "not to --keras"}, "train", "--keras", k.toString(), "--sqrt", "svd");
    FirstContactTest.refused(new String[] {"--preprocess goes with --keras"}, "export", "--spec", HostileInputTest.DEMO.toString(),
        "--weights", "w.npz", "--preprocess", "caffe", "--out", tmp.resolve("p").toString());
    FirstContactTest.refused(new String[] {"--preprocess must be one of caffe, torch, tf, raw255, none"}, "export", "--keras", k.toString(),
        "--preprocess", "vgg", "--out", tmp.resolve("q").toString());
  }
}
