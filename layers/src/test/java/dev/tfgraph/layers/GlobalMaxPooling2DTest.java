package dev.tfgraph.layers;

import dev.tfgraph.layers.pooling.GlobalMaxPooling2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Shapes;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class GlobalMaxPooling2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("global_maxpool");
    LayerHarness.checkForward32("global_maxpool_keepdims");   // Keras float64 (gen_keras_layers.py)
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("global_maxpool", false);
    LayerHarness.checkGradients64("global_maxpool_keepdims", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'GlobalMaxPooling2D', 'name': 'g'}", 4, 5, 6);
    Configs.specRoundTrip("{'type': 'GlobalMaxPooling2D', 'name': 'g', 'trainable': false}", 4, 5, 6);
  }

  @Test
  void keepdimsKeepsHeightAndWidthAsOnes() {
    Configs.roundTrip("{'type': 'GlobalMaxPooling2D', 'name': 'g', 'keepdims': true}", 4, 5, 6);
    assertEquals("[None, 1, 1, 6]", Shapes.show(Configs.layer("{'type': 'GlobalMaxPooling2D', 'name': 'g', 'keepdims': true}")
        .build(Shapes.batchOf(4, 5, 6))));
    assertEquals(false, Configs.layer("{'type': 'GlobalMaxPooling2D', 'name': 'g'}").config().get("keepdims"));
    Configs.rejects("{'type': 'GlobalMaxPooling2D', 'name': 'g', 'keepdims': 1}", "GlobalMaxPooling2D 'g'", "keepdims", "true or false");
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'GlobalMaxPooling2D', 'name': 'g', 'pool_size': 2}", "GlobalMaxPooling2D 'g'", "unknown key", "pool_size");
    Configs.rejects("{'type': 'GlobalMaxPooling2D', 'name': 'g'}", new long[] {4, 5}, "GlobalMaxPooling2D 'g'", "rank 4",
        "[None, 4, 5]");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'GlobalMaxPooling2D', 'name': 'g'}", new long[] {2147483647L, 2147483647L, 3}, "model 'm'", "input x",
        "2^28");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new GlobalMaxPooling2D("g"), 3, 4, 2).check();
  }
}
