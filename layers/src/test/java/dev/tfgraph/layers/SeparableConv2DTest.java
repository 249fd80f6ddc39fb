package dev.tfgraph.layers;

import dev.tfgraph.layers.convolutional.SeparableConv2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.testkit.LayerCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeparableConv2DTest {
  static final String[] CASES = {"separable_same", "separable_valid_stride2", "separable_dilated"};

  @Test
  void forwardMatchesKerasFloat64() {
    for (String c : CASES) LayerHarness.checkForward32(c);
  }

  @Test
  void gradientsOfInputAndEveryKernelMatchKerasAndFiniteDifferences() {
    for (String c : CASES) LayerHarness.checkGradients64(c, false);
  }

  @Test
  void weightsHaveKerasNamesAndShapes() {
    Layer l = Configs.layer("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 5, 'kernel_size': 3, 'depth_multiplier': 2, "
        + "'padding': 'same', 'strides': 2}");
    assertEquals("[None, 3, 3, 5]", Shapes.show(l.build(Shapes.batchOf(6, 5, 3))));
    assertEquals(List.of("sep.depthwise_kernel [3, 3, 3, 2]", "sep.pointwise_kernel [1, 1, 6, 5]", "sep.bias [5]"),
        l.weights().stream().map(w -> w.key() + " " + Shapes.show(w.shape())).toList());
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': 3}", 6, 6, 3);
    Configs.roundTrip("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': [3, 2], 'dilation_rate': [2, 1], "
        + "'padding': 'same', 'depth_multiplier': 3, 'activation': 'relu', 'use_bias': false}", 6, 6, 3);
    Configs.specRoundTrip("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 2, 'kernel_size': 3, 'strides': 2}", 7, 7, 2);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'SeparableConv2D', 'name': 'sep', 'kernel_size': 3}", "SeparableConv2D 'sep'", "filters", "required");
    Configs.rejects("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': [3]}", "SeparableConv2D 'sep'",
        "kernel_size", "[h, w]");
    Configs.rejects("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': 3, 'strides': [1, 2], "
        + "'dilation_rate': [2, 1]}", "SeparableConv2D 'sep'", "cannot both");
    Configs.rejects("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': 5}", new long[] {3, 3, 1},
        "SeparableConv2D 'sep'", "does not fit", "[None, 3, 3, 1]");
    Configs.refusesSpec("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 2000000000, 'kernel_size': 3}",
        new long[] {28, 28, 3}, "SeparableConv2D 'sep'", "filters", "<= 16777216");
    Configs.refusesSpec("{'type': 'SeparableConv2D', 'name': 'sep', 'filters': 4, 'kernel_size': 1, 'depth_multiplier': 1000000}",
        new long[] {64, 64, 3}, "SeparableConv2D 'sep'", "depthwise output", "depth_multiplier");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new SeparableConv2D("sep", 3, new int[] {2, 2}, new int[] {1, 1}, "same", 2, new int[] {1, 1}, "linear", true,
        true), 3, 3, 2).check();
  }
}
