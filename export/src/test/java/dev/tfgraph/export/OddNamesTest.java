package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract names may start with '_' or '-', which TF op names may not: they train, export and reload. */
class OddNamesTest {
  @Test
  void namesStartingWithUnderscoreOrDashWork(@TempDir Path d) {
    Model m = Model.builder("odd", "-x", 5).add(new Affine("_a", 7, "relu", true)).add(new Affine("-b", 3, "softmax", true)).build();
    float[] x = new float[6 * 5];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i + 0.1);
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(1);
    o.batchSize(3);
    o.progress(false);
    Map<String, NpyArray> w;
    try (Trainer t = new Trainer(m, o.build())) {
      w = t.fit(new Dataset(x, new int[] {0, 1, 2, 0, 1, 2}, new long[] {5}), null, null, null).weights();
    }
    assertEquals(Set.of("_a.kernel", "_a.bias", "-b.kernel", "-b.bias"), w.keySet());
    Path dir = Exporter.export(m, w, d.resolve("m"), null, Map.of()).dir();
    try (ModelRuntime rt = ModelRuntime.inference(m); Predictor p = Predictor.load(dir)) {
      rt.setWeights(w);
      assertEquals(List.of("-x"), p.inputNames());
      assertArrayEquals(rt.predict(x, 6, 6), p.predict(NpyArray.ofFloats(new long[] {6, 5}, x), 6).toFloats());
    }
  }
}
