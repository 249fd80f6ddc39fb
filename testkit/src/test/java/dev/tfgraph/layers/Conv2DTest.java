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

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    long[] in = {28, 28, 3};
    Configs.refusesSpec("{'type': 'Conv2D', 'name': 'c', 'filters': 2000000000, 'kernel_size': 3}", in,
        "Conv2D 'c'", "filters", "<= 16777216", "2000000000");
    Configs.refusesSpec("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': [2000000000, 2000000000], 'padding': 'same'}", in,
        "Conv2D 'c'", "kernel_size", "[1, 65536]", "[2000000000, 2000000000]");
    Configs.refusesSpec("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'strides': 2147483647, 'padding': 'same'}", in,
        "Conv2D 'c'", "strides", "[1, 65536]");
    // in range one by one, too large together: kernel 65536·65536·3·4 elements
    Configs.refusesSpec("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 65536, 'padding': 'same'}", in,
        "Conv2D 'c'", "weight kernel", "[65536, 65536, 3, 4]", "2,147,483,639");
    // an output past the activation limit: 4096·4096·64 values per example
    Configs.refusesSpec("{'type': 'Conv2D', 'name': 'c', 'filters': 64, 'kernel_size': 1}", new long[] {4096, 4096, 1},
        "Conv2D 'c'", "output", "[None, 4096, 4096, 64]", "268,435,456", "filters");
  }
}
