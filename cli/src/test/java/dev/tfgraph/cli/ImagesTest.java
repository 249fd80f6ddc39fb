package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.data.ImageDecoding;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.TfRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * Image data through the command line (docs/savedmodel-layout.md and docs/data-formats.md), on testdata/images
 * (make_images.py): class folders and TFRecords in, serving_images and a warmup file out,
 * predict --images with labels by name, and every bad input of issue 16 as exit 2 naming the file.
 */
class ImagesTest {
  static final Path I = Path.of("..", "testdata", "images");
  static final String SPEC = I.resolve("cnn32.json").toString();
  static final ObjectMapper JSON = new ObjectMapper();

  static Run run(String... args) {
    return MainTest.run(args);
  }

  /** A length-delimited field's tag. */
  static int tag(int field) {
    return field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  static JsonNode lastJson(Run r) throws Exception {
    String[] lines = r.out().strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  @Test
  void photosToServingImagesToLabelledPredictions(@TempDir Path d) throws Exception {
    Path base = d.resolve("model");
    Run t = run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--epochs", "15", "--batch-size", "8",
        "--learning-rate", "0.01", "--quiet", "--export", base.toString(), "--image-input", "--warmup", "3");
    assertEquals(0, t.code(), t.err());
    JsonNode s = lastJson(t);
    assertEquals(20, s.get("examples").asInt(), "10 per class; notes.txt and the nested folder ignored");
    assertEquals(0, s.get("skipped_images").asInt());
    assertTrue(s.get("test_accuracy").asDouble() >= 0.75, t.out());
    Path v1 = base.resolve("1");
    JsonNode info = JSON.readTree(v1.resolve("assets.extra/tfgraph.json").toFile());
    assertEquals("[\"cat\",\"dog\"]", info.get("labels").toString(), "class folders become the labels the spec lacks");
    try (SavedModelBundle b = SavedModelBundle.load(v1.toString(), "serve")) {
      SignatureDef sig = b.metaGraphDef().getSignatureDefMap().get("serving_images");
      assertEquals("tensorflow/serving/predict", sig.getMethodName());
      assertEquals(org.tensorflow.proto.DataType.DT_STRING, sig.getInputsMap().get("image_bytes").getDtype());
      assertEquals(List.of(-1L), sig.getInputsMap().get("image_bytes").getTensorShape().getDimList().stream().map(x -> x.getSize()).toList());
      assertTrue(sig.getOutputsMap().containsKey("output"));
    }
    // predict --images: through serving_images, labels by name, equal to serving_default on the Java-decoded arrays
    Path y = d.resolve("y.npy");
    Path test = I.resolve("photos/test");
    Run p = run("predict", "--model", base.toString(), "--images", test.toString(), "--output", y.toString());
    assertEquals(0, p.code(), p.err());
    String[] lines = p.out().strip().split("\n");
    assertEquals(8, lines.length);
    int right = 0;
    List<Path> files = PredictCommand.imageFiles(List.of(test));
    for (int i = 0; i < lines.length; i++) {
      JsonNode l = JSON.readTree(lines[i]);
      assertEquals(files.get(i).toString(), l.get("file").asText());
      assertTrue(l.get("score").asDouble() > 0.5 && l.get("score").asDouble() <= 1);
      if (l.get("label").asText().equals(files.get(i).getParent().getFileName().toString())) right++;
    }
    assertTrue(right >= 6, p.out());
    float[] decoded = new float[files.size() * 32 * 32 * 3];
    try (ImageDecoding.Decoder dec = new ImageDecoding.Decoder(32, 32, 3)) {
      for (int i = 0; i < files.size(); i++) dec.decodeInto(Files.readAllBytes(files.get(i)), files.get(i).toString(), decoded, i * 3072);
    }
    try (Predictor pr = Predictor.load(base)) {
      NpyArray viaDefault = pr.predict(NpyArray.ofFloats(new long[] {files.size(), 32, 32, 3}, decoded), 256);
      float[] viaImages = Npy.read(y).toFloats();
      for (int i = 0; i < viaImages.length; i++) assertEquals(viaDefault.toFloats()[i], viaImages[i], 1e-6, "element " + i);
    }
    // the warmup file: 3 PredictionLogs, parsed back field by field
    List<byte[]> warm = TfRecords.readAll(v1.resolve("assets.extra/tf_serving_warmup_requests"));
    assertEquals(3, warm.size());
    for (byte[] rec : warm) {
      CodedInputStream log = CodedInputStream.newInstance(rec);
      assertEquals(tag(6), log.readTag(), "PredictionLog.predict_log = 6");
      CodedInputStream predictLog = log.readBytes().newCodedInput();
      assertEquals(0, log.readTag());
      assertEquals(tag(1), predictLog.readTag(), "PredictLog.request = 1");
      CodedInputStream req = predictLog.readBytes().newCodedInput();
      assertEquals(tag(1), req.readTag(), "PredictRequest.model_spec = 1");
      CodedInputStream spec = req.readBytes().newCodedInput();
      assertEquals(tag(1), spec.readTag());
      assertEquals("photo-cnn", spec.readString(), "ModelSpec.name = 1");
      assertEquals(tag(3), spec.readTag());
      assertEquals("serving_default", spec.readString(), "ModelSpec.signature_name = 3");
      assertEquals(tag(2), req.readTag(), "PredictRequest.inputs = 2");
      CodedInputStream entry = req.readBytes().newCodedInput();
      assertEquals(tag(1), entry.readTag());
      assertEquals("image", entry.readString());
      assertEquals(tag(2), entry.readTag());
      TensorProto tp = TensorProto.parseFrom(entry.readBytes());
      assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, tp.getDtype());
      assertEquals(List.of(1L, 32L, 32L, 3L), tp.getTensorShape().getDimList().stream().map(x -> x.getSize()).toList());
      assertEquals(4 * 3072, tp.getTensorContent().size());
      assertEquals(0, req.readTag());
    }
    // export --image-input from a spec with labels, then evaluate on TFRecords (folder: train*/test* splits)
    Path spec = d.resolve("spec.json");
    Files.writeString(spec, Files.readString(Path.of(SPEC)).replace("\"layers\"", "\"labels\": [\"cat\", \"dog\"], \"layers\""));
    Path w = d.resolve("w.npz");
    assertEquals(0, run("weights", "--model", base.toString(), "--out", w.toString()).code());
    Run ex = run("export", "--spec", spec.toString(), "--weights", w.toString(), "--out", base.toString(), "--image-input");
    assertEquals(0, ex.code(), ex.err());
    Run ev = run("evaluate", "--trusted", "--model", base.toString(), "--data", I.resolve("records").toString());
    assertEquals(0, ev.code(), ev.err());
    assertEquals(8, lastJson(ev).get("examples").asInt(), "the test*.tfrecord.gz split");
    assertEquals(s.get("test_accuracy").asDouble(), lastJson(ev).get("accuracy").asDouble(), 1e-6);
  }

  /** Streaming (the default for --data images) and --in-memory train on the same batches: the same weights and summary. */
  @Test
  void streamedAndInMemoryRunsAgree(@TempDir Path d) throws Exception {
    JsonNode[] s = new JsonNode[2];
    String[][] extra = {{"--data-workers", "1"}, {"--in-memory"}};
    for (int k = 0; k < 2; k++) {
      List<String> args = new ArrayList<>(List.of("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--epochs", "2",
          "--batch-size", "6", "--threads", "1", "--augment", "flip", "--quiet", "--save-weights", d.resolve(k + ".npz").toString(),
          "--export", d.resolve("m" + k).toString()));
      args.addAll(List.of(extra[k]));
      Run t = run(args.toArray(String[]::new));
      assertEquals(0, t.code(), t.err());
      s[k] = lastJson(t);
      assertTrue(s[k].get("data_wait_pct").isNumber());
    }
    for (String f : new String[] {"train_loss", "train_accuracy", "test_loss", "test_accuracy", "examples", "steps", "skipped_images"}) {
      assertEquals(s[1].get(f), s[0].get(f), f);
    }
    var a = dev.tfgraph.graph.io.Npz.read(d.resolve("0.npz"));
    var b = dev.tfgraph.graph.io.Npz.read(d.resolve("1.npz"));
    for (String key : a.keySet()) assertArrayEquals(b.get(key).toFloats(), a.get(key).toFloats(), key);
    // evaluate streams too, with the numbers of decoding first
    JsonNode[] e = new JsonNode[2];
    for (int k = 0; k < 2; k++) {
      List<String> args = new ArrayList<>(List.of("evaluate", "--trusted", "--model", d.resolve("m0").toString(), "--data",
          I.resolve("photos").toString(), "--batch-size", "3"));
      if (k == 1) args.add("--in-memory");
      Run r = run(args.toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      e[k] = lastJson(r);
    }
    assertEquals(8, e[0].get("examples").asInt(), "the test split");
    assertEquals(e[1].get("accuracy").asDouble(), e[0].get("accuracy").asDouble());
    assertEquals(e[1].get("loss").asDouble(), e[0].get("loss").asDouble(), 1e-6);
    Run bad = run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--data-workers", "0", "--quiet");
    assertTrue(bad.code() == 2 && bad.err().contains("--data-workers"), bad.err());
  }

  @Test
  void tfRecordsTrainWithOtherKeysAndGlobs(@TempDir Path d) throws Exception {
    Run t = run("train", "--spec", SPEC, "--data", I.resolve("records/train.tfrecord").toString(), "--epochs", "1", "--quiet");
    assertEquals(0, t.code(), t.err());
    assertEquals(20, lastJson(t).get("examples").asInt());
    Run k = run("train", "--spec", SPEC, "--data", I.resolve("records").toString() + "/other_*", "--image-key", "jpeg", "--label-key", "y",
        "--epochs", "1", "--quiet");
    assertEquals(0, k.code(), k.err());
    assertEquals(8, lastJson(k).get("examples").asInt());
  }

  @Test
  void skipBadImagesNamesAndCountsThem() throws Exception {
    Run r = run("train", "--spec", SPEC, "--data", I.resolve("bad/not_an_image").toString(), "--epochs", "1", "--quiet", "--skip-bad-images");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("skipped ") && r.err().contains("broken.jpg"), r.err());
    assertEquals(1, lastJson(r).get("skipped_images").asInt());
    assertEquals(2, lastJson(r).get("examples").asInt());
  }

  /** Every bad input of the issue: exit 2, one line naming the file (and record), before training, nothing written. */
  @Test
  void badInputIsExitTwoNamingTheFile(@TempDir Path d) throws Exception {
    Path out = d.resolve("w.npz");
    String[][] cases = {
        // the library's option name (skip_bad_images) reaches the command-line user as the flag
        {"bad/not_an_image", "bad/not_an_image/b/broken.jpg is not an image TensorFlow can decode"},
        {"bad/not_an_image", "(--skip-bad-images skips such files)"},
        {"bad/empty_class", "class folder ../testdata/images/bad/empty_class/b holds no images"},
        {"bad/missing_test_class", "class 'b' is in ../testdata/images/bad/missing_test_class/train but not in ../testdata/images/bad/missing_test_class/test"},
        {"bad/no_images", "bad/no_images holds no class folders, IDX files or TFRecord files"},
        {"records/bad_crc.tfrecord", "records/bad_crc.tfrecord: record 2 has a bad data CRC"},
        {"records/missing_key.tfrecord", "records/missing_key.tfrecord: record 1 has no feature \"image/class/label\""},
        {"records/missing_key.tfrecord", "--label-key names another"},
        {"records/label_7.tfrecord", "records/label_7.tfrecord: record 1 has label 7, outside the model's classes [0, 2)"},
        {"records/other_keys.tfrecord", "records/other_keys.tfrecord: record 0 has no feature \"image/encoded\""},
        {"decode", "decode holds no class folders, IDX files or TFRecord files (images directly in it have no class"},
    };
    for (String[] c : cases) {
      Run r = run("train", "--spec", SPEC, "--data", I.resolve(c[0]).toString(), "--quiet", "--save-weights", out.toString());
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(Files.exists(out), "nothing written");
    }
    // a folder of 2 classes for a model of 3 outputs; an input that images cannot feed (wrong channel count)
    Path spec3 = d.resolve("three.json");
    Files.writeString(spec3, Files.readString(Path.of(SPEC)).replace("\"units\": 2", "\"units\": 3"));
    Run r = run("train", "--spec", spec3.toString(), "--data", I.resolve("photos").toString(), "--quiet");
    assertTrue(r.code() == 2 && r.err().contains("photos/train holds 2 class folders [cat, dog]; the model outputs 3 classes"), r.err());
    Path spec2c = d.resolve("twochannels.json");
    Files.writeString(spec2c, Files.readString(Path.of(SPEC)).replace("[null, 32, 32, 3]", "[null, 32, 32, 2]"));
    r = run("train", "--spec", spec2c.toString(), "--data", I.resolve("photos").toString(), "--quiet");
    assertTrue(r.code() == 2 && r.err().contains("model input 'image'") && r.err().contains("[H, W, 1] (grayscale) or [H, W, 3] (RGB)"), r.err());
    r = run("export", "--spec", spec2c.toString(), "--weights", out.toString(), "--out", d.resolve("m").toString(), "--image-input");
    assertEquals(2, r.code(), r.err());
    // predict: --input and --images are exclusive; a bad image is named
    r = run("predict", "--model", d.toString(), "--output", d.resolve("y.npy").toString());
    assertTrue(r.code() == 2 && r.err().contains("either --input or --images"), r.err());
  }

  @Test
  void predictImagesWithoutServingImagesDecodesInJavaAndNamesBadFiles(@TempDir Path d) throws Exception {
    Path base = d.resolve("m"), w = d.resolve("w.npz");
    Run t = run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--epochs", "1", "--quiet", "--save-weights", w.toString());
    assertEquals(0, t.code(), t.err());
    assertEquals(0, run("export", "--spec", SPEC, "--weights", w.toString(), "--out", base.toString()).code());
    Path y = d.resolve("y.npy");
    Path img = I.resolve("decode/rgb.png"), gif = I.resolve("decode/anim.gif");
    Run p = run("predict", "--trusted", "--model", base.toString(), "--images", img.toString(), gif.toString(), "--output", y.toString());
    assertEquals(0, p.code(), p.err());
    assertEquals(y.toString(), p.out().strip(), "no labels in the spec: the output path, as for --input");
    assertArrayEquals(new long[] {2, 2}, Npy.read(y).shape());
    Path bad = I.resolve("bad/not_an_image/b/broken.jpg");
    p = run("predict", "--trusted", "--model", base.toString(), "--images", img.toString(), bad.toString(), "--output", d.resolve("z.npy").toString());
    assertTrue(p.code() == 2 && p.err().contains(bad + " is not an image"), p.err());
    assertFalse(Files.exists(d.resolve("z.npy")));
  }
}
