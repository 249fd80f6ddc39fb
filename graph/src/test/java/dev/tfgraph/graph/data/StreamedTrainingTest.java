package dev.tfgraph.graph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on images streamed from a folder or TFRecords (the Java API of issue 16): the same
 * batches as decoding everything first, so the same weights; resumable; the held-out share. A layer that adapts
 * to the training data cannot train on a stream: the layers module's StreamedAdaptTest, over a real Normalization.
 */
class StreamedTrainingTest {
  static final Path IMAGES = Path.of("..", "testdata", "images");
  static final ImageData.Options RGB32 = new ImageData.Options(new long[] {32, 32, 3}, false, "image/encoded", "image/class/label", 2, null);

  /** Images [32, 32, 3] as testdata/images/cnn32.json takes them, flattened by the first Affine. */
  static Model cnn() {
    return Model.builder("photo-mlp", "image", 32, 32, 3).add(new Affine("fc", 8, "relu", true)).add(new Affine("head", 2, "softmax", true)).build();
  }

  static TrainOptions.Builder options(int epochs) {
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(epochs);
    o.batchSize(6);
    o.progress(false);
    o.threads(1);
    o.seed(5);
    o.augment("flip");
    return o;
  }

  /** The same computation on the same batches (order, flips, sizes): bit-equal weights and metrics. */
  @Test
  void streamedAndInMemoryTrainingGiveTheSameWeights() {
    String photos = IMAGES.resolve("photos").toString();
    ImageData.Loaded mem = ImageData.load(photos, RGB32);
    TrainResult a, b;
    try (Trainer t = new Trainer(cnn(), options(3).build())) {
      a = t.fit(mem.train(), null, mem.test(), null);
    }
    try (ImageStream.Splits s = ImageStream.open(photos, RGB32, new ImageStream.Settings(2, 2, 100)); Trainer t = new Trainer(cnn(), options(3).build())) {
      b = t.fit(s.train(), null, s.test(), null);
    }
    for (var e : a.weights().entrySet()) assertArrayEquals(e.getValue().toFloats(), b.weights().get(e.getKey()).toFloats(), e.getKey());
    assertEquals(a.trainLoss(), b.trainLoss());
    assertEquals(a.test().loss(), b.test().loss(), 1e-6, "test metrics from streamed batches of 512, summed in Java");
    assertEquals(a.test().accuracy(), b.test().accuracy());
    assertEquals(a.steps(), b.steps());
  }

  /** Killed after epoch 1 and resumed, a streamed run ends where an uninterrupted one does. */
  @Test
  void aStreamedRunResumesAtItsPositionInTheStream(@TempDir Path d) {
    String records = IMAGES.resolve("records/train.tfrecord").toString();
    Map<String, NpyArray> straight, resumed;
    try (ImageStream.Splits s = ImageStream.open(records, RGB32, new ImageStream.Settings(2, 2, 5))) {
      try (Trainer t = new Trainer(cnn(), options(3).build())) {
        straight = t.fit(s.train(), null, null, null).weights();
      }
      TrainOptions.Builder first = options(1);
      first.checkpointDir(d);
      try (Trainer t = new Trainer(cnn(), first.build())) {
        t.fit(s.train(), null, null, null);
      }
      TrainOptions.Builder rest = options(3);
      rest.checkpointDir(d);
      rest.resume(true);
      try (Trainer t = new Trainer(cnn(), rest.build())) {
        resumed = t.fit(s.train(), null, null, null).weights();
      }
    }
    for (var e : straight.entrySet()) assertArrayEquals(e.getValue().toFloats(), resumed.get(e.getKey()).toFloats(), e.getKey());
  }

  @Test
  void aValidationSplitHoldsOutFilesOfAFolderButNeedsPositionsTfRecordsLack() {
    TrainOptions.Builder o = options(1);
    o.validationSplit(0.25);
    try (ImageStream.Splits s = ImageStream.open(IMAGES.resolve("photos").toString(), RGB32, new ImageStream.Settings(1, 1, 5));
        Trainer t = new Trainer(cnn(), o.build())) {
      TrainResult r = t.fit(s.train(), null, null, null);
      assertTrue(Double.isFinite(r.history().get(0).valLoss()), "validation on the held-out files");
    }
    try (ImageStream.Splits s = ImageStream.open(IMAGES.resolve("records/train.tfrecord").toString(), RGB32, new ImageStream.Settings(1, 1, 5));
        Trainer t = new Trainer(cnn(), o.build())) {
      BadInputException e = assertThrows(BadInputException.class, () -> t.fit(s.train(), null, null, null));
      assertTrue(e.getMessage().contains("a validation split needs examples by position"), e.getMessage());
    }
  }

  @Test
  void imagesOfAnotherShapeAreAnErrorBeforeTraining() {
    ImageData.Options gray = new ImageData.Options(new long[] {32, 32, 1}, false, "image/encoded", "image/class/label", 2, null);
    try (ImageStream.Splits s = ImageStream.open(IMAGES.resolve("photos").toString(), gray, new ImageStream.Settings(1, 1, 5));
        Trainer t = new Trainer(cnn(), options(1).build())) {
      BadInputException e = assertThrows(BadInputException.class, () -> t.fit(s.train(), null, null, null));
      assertTrue(e.getMessage().contains("are decoded to [32, 32, 1]; the model input image takes [32, 32, 3]"), e.getMessage());
    }
  }
}
