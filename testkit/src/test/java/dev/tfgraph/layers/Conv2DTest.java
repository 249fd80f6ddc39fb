package dev.tfgraph.layers;

import org.junit.jupiter.api.Test;

class Conv2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("conv2d_same");
    LayerHarness.checkForward32("conv2d_valid_stride2");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("conv2d_valid_stride2", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': [3, 2], 'strides': [2, 1], 'padding': 'same'}", 7, 6, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': [3]}", "Conv2D 'c'", "kernel_size", "[h, w]");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'padding': 'full'}", "padding", "full");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 5}", new long[] {3, 3, 1}, "does not fit", "[None, 3, 3, 1]");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3}", new long[] {9}, "rank 4");
  }
}
