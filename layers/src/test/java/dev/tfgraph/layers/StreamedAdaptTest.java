package dev.tfgraph.layers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.ImageData;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.preprocessing.Normalization;
import dev.tfgraph.layers.reshaping.Flatten;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An integration test of graph classes (the trainer on an image stream) over a real layer that adapts (Normalization). */
class StreamedAdaptTest {
  static final Path IMAGES = Path.of("..", "testdata", "images");
  static final ImageData.Options RGB32 = new ImageData.Options(new long[] {32, 32, 3}, false, "image/encoded", "image/class/label", 2, null);

  /** A layer that adapts needs all the training data before the first step: a stream, read batch by batch, cannot give it. */
  @Test
  void aLayerThatAdaptsIsAnErrorBeforeTrainingOnAStream() {
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(1);
    o.batchSize(6);
    o.progress(false);
    o.threads(1);
    o.seed(5);
    o.augment("flip");
    Model adapts = Model.builder("norm", "image", 32, 32, 3).add(new Normalization("norm")).add(new Flatten("flat"))
        .add(new Dense("head", 2, "softmax")).build();
    try (ImageStream.Splits s = ImageStream.open(IMAGES.resolve("photos").toString(), RGB32, new ImageStream.Settings(1, 1, 5));
        Trainer t = new Trainer(adapts, o.build())) {
      BadInputException e = assertThrows(BadInputException.class, () -> t.fit(s.train(), null, null, null));
      assertTrue(e.getMessage().contains("layer 'norm' adapts to the training data") && e.getMessage().contains("is read batch by batch"), e.getMessage());
    }
  }
}
