package dev.tfgraph.layers;

import dev.tfgraph.layers.pooling.GlobalAveragePooling2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Shapes;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class GlobalAveragePooling2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("global_avgpool");
    LayerHarness.checkForward32("global_avgpool_keepdims");   // Keras float64 (gen_keras_layers.py)
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("global_avgpool", false);
    LayerHarness.checkGradients64("global_avgpool_keepdims", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'GlobalAveragePooling2D', 'name': 'g'}", 4, 5, 6);
    Configs.specRoundTrip("{'type': 'GlobalAveragePooling2D', 'name': 'g', 'trainable': false}", 4, 5, 6);
  }

  @Test
  void keepdimsKeepsHeightAndWidthAsOnes() {
    Configs.roundTrip("{'type': 'GlobalAveragePooling2D', 'name': 'g', 'keepdims': true}", 4, 5, 6);
    assertEquals("[None, 1, 1, 6]", Shapes.show(Configs.layer("{'type': 'GlobalAveragePooling2D', 'name': 'g', 'keepdims': true}")
        .build(Shapes.batchOf(4, 5, 6))));
    assertEquals(false, Configs.layer("{'type': 'GlobalAveragePooling2D', 'name': 'g'}").config().get("keepdims"));
    Configs.rejects("{'type': 'GlobalAveragePooling2D', 'name': 'g', 'keepdims': 1}", "GlobalAveragePooling2D 'g'", "keepdims", "true or false");
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'GlobalAveragePooling2D', 'name': 'g', 'pool_size': 2}", "GlobalAveragePooling2D 'g'", "unknown key", "pool_size");
    Configs.rejects("{'type': 'GlobalAveragePooling2D', 'name': 'g'}", new long[] {4, 5}, "GlobalAveragePooling2D 'g'", "rank 4",
        "[None, 4, 5]");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'GlobalAveragePooling2D', 'name': 'g'}", new long[] {2147483647L, 2147483647L, 3}, "model 'm'", "input x",
        "2^28");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new GlobalAveragePooling2D("g"), 3, 4, 2).check();
  }
}
