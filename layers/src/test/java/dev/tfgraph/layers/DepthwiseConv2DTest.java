package dev.tfgraph.layers;

import dev.tfgraph.layers.convolutional.DepthwiseConv2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.testkit.LayerCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepthwiseConv2DTest {
  static final String[] CASES = {"depthwise_same", "depthwise_valid_stride2", "depthwise_dilated"};

  @Test
  void forwardMatchesKerasFloat64() {
    for (String c : CASES) LayerHarness.checkForward32(c);
  }

  @Test
  void gradientsOfInputKernelAndBiasMatchKerasAndFiniteDifferences() {
    // DepthwiseConv2dNative's gradients (backprop input and filter) are registered in TF's C++ runtime:
    // this test fails with "No gradient defined" if they were not, and checks their values otherwise
    for (String c : CASES) LayerHarness.checkGradients64(c, false);
  }

  @Test
  void weightsHaveKeras3NamesAndShapes() {
    Layer l = Configs.layer("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': [3, 2], 'depth_multiplier': 2}");
    assertEquals("[None, 4, 4, 6]", Shapes.show(l.build(Shapes.batchOf(6, 5, 3))));
    assertEquals(List.of("dw.kernel [3, 2, 3, 2]", "dw.bias [6]"),
        l.weights().stream().map(w -> w.key() + " " + Shapes.show(w.shape())).toList());
    Layer noBias = Configs.layer("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'use_bias': false}");
    noBias.build(Shapes.batchOf(6, 5, 3));
    assertEquals(List.of("dw.kernel"), noBias.weights().stream().map(WeightSpec::key).toList());
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3}", 6, 6, 3);
    Configs.roundTrip("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': [3, 2], 'strides': 2, 'padding': 'same', "
        + "'depth_multiplier': 2, 'activation': 'relu6', 'use_bias': false}", 7, 6, 3);
    Configs.specRoundTrip("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'dilation_rate': 2, 'padding': 'same'}", 7, 7, 2);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw'}", "DepthwiseConv2D 'dw'", "kernel_size", "required");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'padding': 'full'}", "DepthwiseConv2D 'dw'",
        "padding", "full");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'depth_multiplier': 0}", "DepthwiseConv2D 'dw'",
        "depth_multiplier", "positive");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'strides': 2, 'dilation_rate': 2}",
        "DepthwiseConv2D 'dw'", "strides [2, 2]", "dilation_rate [2, 2]", "cannot both");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'dilation_rate': 3}", new long[] {6, 6, 2},
        "DepthwiseConv2D 'dw'", "does not fit", "[None, 6, 6, 2]", "dilation_rate [3, 3]");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3}", new long[] {9, 2}, "rank 4");
    Configs.rejects("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'activation': 'mish'}", "DepthwiseConv2D 'dw'",
        "activation", "mish");
    Configs.refusesSpec("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 3, 'depth_multiplier': 2000000000}",
        new long[] {28, 28, 3}, "DepthwiseConv2D 'dw'", "depth_multiplier", "<= 16777216");
    Configs.refusesSpec("{'type': 'DepthwiseConv2D', 'name': 'dw', 'kernel_size': 1, 'depth_multiplier': 1000000}",
        new long[] {64, 64, 3}, "DepthwiseConv2D 'dw'", "output", "depth_multiplier");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new DepthwiseConv2D("dw", new int[] {2, 2}, new int[] {1, 1}, "same", 2, new int[] {1, 1}, "tanh", true, true),
        3, 3, 2).check();
  }
}
