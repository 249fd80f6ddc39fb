package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.Exporter;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.layers.taylor.TaylorExpansion;
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
    TrainOptions options = TrainOptions.builder().epochs(1).progress(false).build();
    try (Trainer trainer = new Trainer(model, options)) {
      TrainResult r = trainer.fit(train, null, test, null);
      assertTrue(r.test().accuracy() > 0.6, "accuracy " + r.test().accuracy());
      Exporter.export(model, r.weights(), out.resolve("taylor-demo"), null, java.util.Map.of());
      try (ModelRuntime rt = ModelRuntime.inference(model)) {
        rt.setWeights(r.weights());
        float[] probs = rt.predict(test.x(), test.size(), 512);
        assertEquals(test.size() * 10, probs.length);
        // the same graph and batches as the trainer's test evaluation; two examples of slack for ties in the argmax
        assertEquals(r.test().accuracy(), accuracy(probs, test.y()), 2.0 / test.size(), "the runtime predicts what training measured");
      }
    }
    assertTrue(Files.isRegularFile(out.resolve("taylor-demo/1/saved_model.pb")));
  }

  private static double accuracy(float[] probs, int[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
      if (best == labels[i]) right++;
    }
    return (double) right / labels.length;
  }
}
