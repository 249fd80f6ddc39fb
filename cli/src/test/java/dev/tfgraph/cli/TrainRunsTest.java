package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of train over time: checkpoint folders shared by runs, resumed runs that were done, the summary and the history file. */
class TrainRunsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path SPEC = Path.of("..", "testdata", "images", "cnn32.json"), PHOTOS = ImagesTest.I.resolve("photos");

  static MainTest.Run run(List<String> args) {
    return MainTest.run(args.toArray(String[]::new));
  }

  static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Issue 25, item 2: a run without --resume leaves another run's checkpoints alone (exit 2 naming both ways out). */
  @Test
  void anotherRunsCheckpointsAreKeptUnlessTheRunResumesOrStartsOver(@TempDir Path d) throws Exception {
    Path[] data = HostileInputTest.data(d, 40);
    Path ck = d.resolve("ck");
    Files.createDirectories(ck);
    Files.writeString(ck.resolve("notes.txt"), "the user's");
    MainTest.Run first = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "3", "--batch-size", "8", "--checkpoint-dir", ck.toString()));
    assertEquals(0, first.code(), first.err());
    List<String> before = list(ck);
    byte[] index = Files.readAllBytes(ck.resolve("checkpoint.json"));
    MainTest.Run second = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "2", "--checkpoint-dir", ck.toString()));
    assertEquals(2, second.code(), second.err());
    HostileInputTest.oneLine(second);
    String m = second.err();
    assertTrue(m.contains("--checkpoint-dir " + ck) && m.contains("epoch 3 of 3") && m.contains("written 20"), m);
    assertTrue(m.contains("(--resume)") && m.contains("(--overwrite-checkpoints)"), m);
    assertEquals(before, list(ck), "nothing written or deleted");
    assertArrayEquals(index, Files.readAllBytes(ck.resolve("checkpoint.json")));
    MainTest.Run over = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "2", "--batch-size", "8", "--checkpoint-dir",
        ck.toString(), "--overwrite-checkpoints"));
    assertEquals(0, over.code(), over.err());
    assertEquals(List.of("checkpoint.json", "ckpt-1.npz", "ckpt-2.npz", "notes.txt"), list(ck), "the old run's replaced, the user's file kept");
    assertEquals(2, JSON.readTree(ck.resolve("checkpoint.json").toFile()).get("epoch").asInt());
    MainTest.Run both = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--checkpoint-dir", ck.toString(), "--resume",
        "--overwrite-checkpoints"));
    assertEquals(2, both.code(), both.err());
    assertTrue(both.err().contains("(--resume)") && both.err().contains("(--overwrite-checkpoints)"), both.err());
  }

  /**
   * Issue 25, item 7: killed after its last checkpoint but before its outputs, a run resumed with
   * --resume writes them from the checkpoint's weights: weights, export, history, and the summary
   * with the test metrics an uninterrupted run reports.
   */
  @Test
  void aResumedRunWhoseEpochsAreDoneStillWritesItsOutputs(@TempDir Path d) throws Exception {
    Path ck = d.resolve("ck");
    List<String> common = List.of("train", "--spec", SPEC.toString(), "--data", PHOTOS.toString(), "--epochs", "2", "--batch-size", "6",
        "--threads", "1", "--quiet", "--checkpoint-dir", ck.toString());
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("--save-weights", d.resolve("a.npz").toString()));
    MainTest.Run first = run(a);   // the state of a run killed during its export: every epoch checkpointed, no export
    assertEquals(0, first.code(), first.err());
    List<String> b = new ArrayList<>(common);
    b.addAll(List.of("--resume", "--save-weights", d.resolve("b.npz").toString(), "--export", d.resolve("model").toString(),
        "--history", d.resolve("h.json").toString()));
    MainTest.Run resumed = run(b);
    assertEquals(0, resumed.code(), resumed.err());
    JsonNode s1 = ImagesTest.lastJson(first), s2 = ImagesTest.lastJson(resumed);
    assertEquals("already_completed", s2.get("stop").asText());
    for (String k : new String[] {"test_accuracy", "test_loss", "train_loss", "train_accuracy"}) {
      assertTrue(s1.get(k).isNumber(), k);
      assertEquals(s1.get(k), s2.get(k), k);
    }
    Map<String, NpyArray> wa = Npz.read(d.resolve("a.npz")), wb = Npz.read(d.resolve("b.npz"));
    assertEquals(wa.keySet(), wb.keySet());
    for (String k : wa.keySet()) assertArrayEquals(wa.get(k).toFloats(), wb.get(k).toFloats(), k);
    assertTrue(Files.isDirectory(d.resolve("model").resolve("1")) && s2.get("export").asText().endsWith("1"), s2.toString());
    assertEquals(2, JSON.readTree(d.resolve("h.json").toFile()).size(), "the checkpoint's epochs");
  }

  /** Issue 25, item 16: the summary names the model, reports the last epoch's val_* with a split, and --history has every epoch. */
  @Test
  void summaryAndHistoryReportTheModelAndEachEpoch(@TempDir Path d) throws Exception {
    Path[] data = HostileInputTest.data(d, 40);
    Path h = d.resolve("out").resolve("history.json"), ck = d.resolve("ck");
    MainTest.Run r = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "2", "--batch-size", "8", "--validation-split", "0.25",
        "--history", h.toString(), "--checkpoint-dir", ck.toString()));
    assertEquals(0, r.code(), r.err());
    JsonNode s = ImagesTest.lastJson(r);
    assertEquals("demo", s.get("model").asText(), "the spec's model name");
    assertEquals(HostileInputTest.DEMO.toString(), s.get("spec").asText());
    assertEquals(h.toString(), s.get("history").asText());
    JsonNode hist = JSON.readTree(h.toFile());
    assertEquals(2, hist.size());
    List<String> keys = new ArrayList<>();
    hist.get(1).fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"), keys);
    assertEquals(2, hist.get(1).get("epoch").asInt());
    assertEquals(hist.get(1).get("val_loss").asDouble(), s.get("val_loss").asDouble(), 1e-6);
    assertEquals(hist.get(1).get("val_accuracy").asDouble(), s.get("val_accuracy").asDouble(), 1e-6);
    assertEquals(hist.get(1).get("loss").asDouble(), s.get("train_loss").asDouble(), 1e-6);
    assertEquals(List.of("history.json"), list(h.getParent()), "written whole, no temporary file left");
    // resumed for one more epoch: the history holds the whole run
    MainTest.Run more = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "3", "--batch-size", "8", "--validation-split", "0.25",
        "--history", h.toString(), "--checkpoint-dir", ck.toString(), "--resume"));
    assertEquals(0, more.code(), more.err());
    hist = JSON.readTree(h.toFile());
    assertEquals(List.of(1, 2, 3), List.of(hist.get(0).get("epoch").asInt(), hist.get(1).get("epoch").asInt(), hist.get(2).get("epoch").asInt()));
    // without a split: no val_* keys
    MainTest.Run plain = run(HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "1"));
    assertEquals(0, plain.code(), plain.err());
    assertFalse(ImagesTest.lastJson(plain).has("val_loss"), plain.out());
    // a built-in model is named by its name
    int n = 8;
    Npy.write(d.resolve("img.npy"), NpyArray.ofFloats(new long[] {n, 28, 28, 1}, new float[n * 28 * 28]));
    Npy.write(d.resolve("lab.npy"), NpyArray.ofLongs(new long[] {n}, new long[n]));
    MainTest.Run builtIn = MainTest.run("train", "--model", "softexp-mlp", "--x", d.resolve("img.npy").toString(), "--y",
        d.resolve("lab.npy").toString(), "--quiet", "--threads", "1");
    assertEquals(0, builtIn.code(), builtIn.err());
    JsonNode bs = ImagesTest.lastJson(builtIn);
    assertEquals("softexp-mlp", bs.get("model").asText());
    assertNull(bs.get("spec"));
  }

  /**
   * Issue 25, item 11: data_wait_pct is the share of the loop's time spent waiting for batches, in
   * [0, 100] by construction, also when decoding is much slower than the steps (large images, one
   * decoding thread, a model of a few weights).
   */
  @Test
  void dataWaitIsAShareOfTheStepTime(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    for (String c : new String[] {"a", "b"}) {
      Files.createDirectories(d.resolve("imgs").resolve(c));
      for (int i = 0; i < 6; i++) {
        BufferedImage img = new BufferedImage(384, 384, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 384; y++) for (int x = 0; x < 384; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ImageIO.write(img, "png", d.resolve("imgs").resolve(c).resolve(i + ".png").toFile());
      }
    }
    Path spec = Files.writeString(d.resolve("tiny.json"), """
        {"name": "tiny", "input": {"name": "image", "shape": [null, 4, 4, 3]},
         "layers": [{"type": "Flatten", "name": "flat"}, {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}]}""");
    MainTest.Run t = MainTest.run("train", "--spec", spec.toString(), "--data", d.resolve("imgs").toString(), "--epochs", "2",
        "--batch-size", "2", "--data-workers", "1", "--quiet");
    assertEquals(0, t.code(), t.err());
    double pct = ImagesTest.lastJson(t).get("data_wait_pct").asDouble();
    assertTrue(pct >= 0 && pct <= 100, "data_wait_pct " + pct);
  }

  /** Issue 25, item 18: a layer that adapts to streamed images asks for --in-memory by its flag. */
  @Test
  void anAdaptingLayerOnStreamedImagesNamesInMemory(@TempDir Path d) throws Exception {
    Path spec = Files.writeString(d.resolve("norm.json"), """
        {"name": "norm", "input": {"name": "image", "shape": [null, 32, 32, 3]},
         "layers": [{"type": "Normalization", "name": "norm"}, {"type": "Flatten", "name": "flat"},
                    {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}]}""");
    MainTest.Run streamed = MainTest.run("train", "--spec", spec.toString(), "--data", PHOTOS.toString(), "--quiet");
    assertEquals(2, streamed.code(), streamed.err());
    HostileInputTest.oneLine(streamed);
    assertTrue(streamed.err().contains("layer 'norm' adapts") && streamed.err().contains("--in-memory"), streamed.err());
    MainTest.Run inMemory = MainTest.run("train", "--spec", spec.toString(), "--data", PHOTOS.toString(), "--quiet", "--in-memory");
    assertEquals(0, inMemory.code(), inMemory.err());
  }

  /** Issue 25, item 18: a failed run's message names the options to change by their flags, and a checkpoint only when there is one. */
  @Test
  void aDivergedRunNamesItsFlags(@TempDir Path d) throws Exception {
    Path[] data = HostileInputTest.data(d, 64);
    Path spec = Files.writeString(d.resolve("lin.json"), """
        {"name": "lin", "input": {"name": "x", "shape": [null, 3]},
         "layers": [{"type": "Dense", "name": "fc", "units": 8, "activation": "linear"},
                    {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}]}""");
    MainTest.Run r = run(HostileInputTest.train(spec, data, "--optimizer", "sgd", "--learning-rate", "1e30", "--batch-size", "16",
        "--checkpoint-dir", d.resolve("ck").toString()));
    assertEquals(3, r.code(), r.err());
    HostileInputTest.oneLine(r);
    assertTrue(r.err().contains("lower --learning-rate or set --clip-norm") && r.err().contains("no checkpoint was written yet"), r.err());
  }

  /** Issue 25, item 18: a validation split of streamed TFRecords is refused naming --validation-split and the way out, --in-memory. */
  @Test
  void aSplitOfStreamedRecordsNamesItsFlags() {
    List<String> a = List.of("train", "--spec", SPEC.toString(), "--data", ImagesTest.I.resolve("records").resolve("train.tfrecord").toString(),
        "--validation-split", "0.25", "--quiet");
    MainTest.Run streamed = run(a);
    assertEquals(2, streamed.code(), streamed.err());
    HostileInputTest.oneLine(streamed);
    assertTrue(streamed.err().contains("(--validation-split)") && streamed.err().contains("(--in-memory)"), streamed.err());
    List<String> b = new ArrayList<>(a);
    b.add("--in-memory");
    MainTest.Run inMemory = run(b);
    assertEquals(0, inMemory.code(), inMemory.err());
  }

  /** Issue 25, item 7: a run that early stopping ended is over too: resumed, it trains no further epoch. */
  @Test
  void aResumedRunThatStoppedEarlyTrainsNoFurther(@TempDir Path d) throws Exception {
    Path[] data = HostileInputTest.data(d, 40);
    List<String> args = HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "200", "--batch-size", "8", "--validation-split", "0.25",
        "--patience", "1", "--learning-rate", "0.05", "--checkpoint-dir", d.resolve("ck").toString());
    MainTest.Run first = run(args);
    assertEquals(0, first.code(), first.err());
    JsonNode s1 = ImagesTest.lastJson(first);
    assertEquals("early_stopping", s1.get("stop").asText(), s1.toString());
    List<String> again = new ArrayList<>(args);
    again.add("--resume");
    MainTest.Run resumed = run(again);
    assertEquals(0, resumed.code(), resumed.err());
    JsonNode s2 = ImagesTest.lastJson(resumed);
    assertEquals("early_stopping", s2.get("stop").asText());
    assertEquals(0, s2.get("steps").asInt(), s2.toString());
    assertEquals(s1.get("val_loss"), s2.get("val_loss"));
  }
}
