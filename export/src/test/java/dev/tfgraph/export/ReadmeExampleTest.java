package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.TrainOptions;
import dev.tfgraph.graph.TrainResult;
import dev.tfgraph.graph.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.layers.Dense;
import dev.tfgraph.layers.Flatten;
import dev.tfgraph.layers.TaylorExpansion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, as written there (one epoch instead of three). */
class ReadmeExampleTest {
  @Test
  void declareTrainExport(@TempDir Path out) {
    Model model = Model.builder("taylor-demo", "x", 28, 28, 1)
        .add(new Flatten("flatten"))
        .add(new Dense("fc1", 128, "relu"))
        .add(new TaylorExpansion("taylor", 3))
        .add(new Dense("head", 10, "softmax"))
        .build();
    assertTrue(model.summary().contains("taylor (TaylorExpansion)"));
    Dataset train = Dataset.fashionMnist(Path.of("..", "testdata", "fashion"), true);
    Dataset test = Dataset.fashionMnist(Path.of("..", "testdata", "fashion"), false);
    TrainOptions options = new TrainOptions();
    options.epochs = 1;
    options.progress = false;
    try (Trainer trainer = new Trainer(model, options)) {
      TrainResult r = trainer.fit(train, test, null);
      assertTrue(r.test().accuracy() > 0.6, "accuracy " + r.test().accuracy());
      Exporter.export(model, r.weights(), out.resolve("taylor-demo"), null, java.util.Map.of());
    }
    assertTrue(Files.isRegularFile(out.resolve("taylor-demo/1/saved_model.pb")));
  }
}
