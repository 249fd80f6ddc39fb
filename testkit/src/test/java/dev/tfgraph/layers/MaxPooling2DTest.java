package dev.tfgraph.layers;

import org.junit.jupiter.api.Test;

class MaxPooling2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("maxpool_2x2");
    LayerHarness.checkForward32("maxpool_3x3_s2_same");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("maxpool_2x2", false);
    LayerHarness.checkGradients64("maxpool_3x3_s2_same", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}", 7, 7, 2);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [0, 2]}", "pool_size");
    Configs.rejects("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': 4}", new long[] {3, 3, 1}, "does not fit");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'MaxPooling2D', 'name': 'p', 'strides': 2147483647, 'padding': 'same'}", new long[] {28, 28, 3},
        "MaxPooling2D 'p'", "strides", "[1, 65536]", "2147483647");
    Configs.refusesSpec("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [100000, 2], 'padding': 'same'}", new long[] {28, 28, 3},
        "MaxPooling2D 'p'", "pool_size", "[1, 65536]", "[100000, 2]");
  }
}
