package dev.tfgraph.layers;

import dev.tfgraph.layers.convolutional.Conv2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.List;
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

  static final String[] GROUPED = {"conv2d_groups", "conv2d_groups_depthwise", "conv2d_groups_dilated"};

  @Test
  void groupedForwardMatchesKerasFloat64() {
    for (String c : GROUPED) LayerHarness.checkForward32(c);
  }

  @Test
  void groupedGradientsMatchKerasAndFiniteDifferences() {
    // split/concat per group, and DepthwiseConv2dNative when groups = channels: both gradients checked in float64
    for (String c : GROUPED) LayerHarness.checkGradients64(c, false);
  }

  @Test
  void groupedKernelHasInputChannelsOverGroups() {
    Layer l = Configs.layer("{'type': 'Conv2D', 'name': 'gc', 'filters': 6, 'kernel_size': 3, 'groups': 2}");
    assertEquals("[None, 4, 4, 6]", Shapes.show(l.build(Shapes.batchOf(6, 6, 4))));
    assertEquals(List.of("gc.kernel [3, 3, 2, 6]", "gc.bias [6]"),
        l.weights().stream().map(w -> w.key() + " " + Shapes.show(w.shape())).toList());
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'groups': 2, 'padding': 'same'}", 5, 5, 6);
    Configs.specRoundTrip("{'type': 'Conv2D', 'name': 'c', 'filters': 3, 'kernel_size': 3, 'groups': 3, 'dilation_rate': 2}", 7, 7, 3);
    Configs.roundTrip("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': [3, 2], 'strides': [2, 1], 'padding': 'same'}", 7, 6, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': [3]}", "Conv2D 'c'", "kernel_size", "[h, w]");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'padding': 'full'}", "padding", "full");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 5}", new long[] {3, 3, 1}, "does not fit", "[None, 3, 3, 1]");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3}", new long[] {9}, "rank 4");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'groups': 3}", "Conv2D 'c'", "filters 4",
        "groups 3");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'groups': 0}", "Conv2D 'c'", "groups");
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 1, 'groups': 2}", new long[] {3, 3, 3}, "Conv2D 'c'",
        "groups 2", "3 channels", "[None, 3, 3, 3]");
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
