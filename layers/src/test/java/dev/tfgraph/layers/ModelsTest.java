package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.models.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each built-in model builds, trains a few steps on shipped images with a falling loss, saves and reloads, round-trips its spec. */
class ModelsTest {
  static final Path SHIPPED = Path.of("..", "testdata", "fashion");

  static Dataset firstImages(int n) {
    Dataset d = Dataset.fashionMnist(SHIPPED, true);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    return d.subset(idx);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp"})
  void buildsTrainsSavesAndRoundTrips(String name, @TempDir Path dir) throws Exception {
    Model m = Models.create(name, Models.Options.defaults());
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
    Dataset d = firstImages(160);
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(6);
    o.batchSize(32);
    o.progress(false);
    o.shuffle(false);
    TrainResult r;
    try (Trainer t = new Trainer(m, o.build())) {
      r = t.fit(d, null, null, null);
    }
    double first = r.history().get(0).trainLoss(), last = r.history().get(5).trainLoss();
    assertTrue(last < first, name + ": loss " + first + " -> " + last);
    Path f = dir.resolve("w.npz");
    Npz.write(f, r.weights());
    Map<String, NpyArray> back = Npz.read(f);
    Model again = Model.fromConfig(m.config());
    try (ModelRuntime a = ModelRuntime.inference(m); ModelRuntime b = ModelRuntime.inference(again)) {
      a.setWeights(r.weights());
      b.setWeights(back);
      assertArrayEquals(a.predict(d.x(), 8, 8), b.predict(d.x(), 8, 8), name + ": reloaded weights predict the same");
    }
  }

  @Test
  void unknownModelIsNamed() {
    BadInputException e = assertThrows(BadInputException.class, () -> Models.create("resnet", Models.Options.defaults()));
    assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("ib-cnn"));
  }

  @Test
  void prototypeNetWithSeveralRowsPerClassEndsInDense() {
    Model m = Models.create("prototype-net", new Models.Options(3, 5, "svd"));
    assertEquals("Dense", m.layers().get(m.layers().size() - 1).type());
    assertEquals(50, m.layer("prototypes").outputShape().get(1));
  }
}
