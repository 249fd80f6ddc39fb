package dev.tfgraph.layers;

import dev.tfgraph.layers.pooling.AveragePooling2D;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class AveragePooling2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("avgpool_2x2");
    LayerHarness.checkForward32("avgpool_3x3_s2_same");
    LayerHarness.checkForward32("avgpool_4x3_s1x2_same");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("avgpool_2x2", false);
    LayerHarness.checkGradients64("avgpool_3x3_s2_same", false);
    LayerHarness.checkGradients64("avgpool_4x3_s1x2_same", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'AveragePooling2D', 'name': 'p', 'pool_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}", 7, 7, 2);
    Configs.roundTrip("{'type': 'AveragePooling2D', 'name': 'p'}", 6, 6, 1);
    Configs.specRoundTrip("{'type': 'AveragePooling2D', 'name': 'p', 'pool_size': 3}", 7, 7, 2);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'AveragePooling2D', 'name': 'p', 'pool_size': [0, 2]}", "AveragePooling2D 'p'", "pool_size", "[0, 2]");
    Configs.rejects("{'type': 'AveragePooling2D', 'name': 'p', 'padding': 'full'}", "padding", "one of [valid, same]", "\"full\"");
    Configs.rejects("{'type': 'AveragePooling2D', 'name': 'p', 'pool_size': 4}", new long[] {3, 3, 1}, "does not fit");
    Configs.rejects("{'type': 'AveragePooling2D', 'name': 'p'}", new long[] {4, 4}, "rank 4", "[None, 4, 4]");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'AveragePooling2D', 'name': 'p', 'strides': 2147483647, 'padding': 'same'}", new long[] {28, 28, 3},
        "AveragePooling2D 'p'", "strides", "[1, 65536]", "2147483647");
    Configs.refusesSpec("{'type': 'AveragePooling2D', 'name': 'p', 'pool_size': [100000, 2], 'padding': 'same'}", new long[] {28, 28, 3},
        "AveragePooling2D 'p'", "pool_size", "[1, 65536]", "[100000, 2]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new AveragePooling2D("p", new int[] {3, 2}, new int[] {2, 2}, "same", true), 5, 4, 2).check();
  }
}
