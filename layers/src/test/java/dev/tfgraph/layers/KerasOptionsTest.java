package dev.tfgraph.layers;

import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.normalization.BatchNormalization;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.testkit.LayerCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The options Keras models need of today's layers (Conv2D use_bias and dilation_rate,
 * BatchNormalization center, scale and axis): config round trip, weights, float64 gradients against
 * finite differences. Their forward math is checked against Keras' own predict by KerasImportTest
 * (testdata/keras/models/seq_cnn: a dilated convolution without bias, BatchNormalization without
 * gamma and beta, and with axis 3).
 */
class KerasOptionsTest {
  @Test
  void conv2dWithoutBiasAndDilated() {
    Conv2D c = (Conv2D) Configs.layer("{'type': 'Conv2D', 'name': 'c', 'filters': 3, 'kernel_size': [3, 2], 'padding': 'same',"
        + " 'use_bias': false, 'dilation_rate': [2, 1]}");
    LayerCheck check = LayerCheck.of(c, 7, 6, 2);
    check.configRoundTrip();
    check.gradients();
    Configs.roundTrip("{'type': 'Conv2D', 'name': 'c', 'filters': 4, 'kernel_size': 3, 'dilation_rate': 2, 'use_bias': false}", 9, 9, 3);
    c.build(org.tensorflow.ndarray.Shape.of(-1, 7, 6, 2));
    assertEquals(List.of("kernel"), c.weights().stream().map(WeightSpec::name).toList());
  }

  @Test
  void dilationWidensTheWindow() {
    // a 3x3 kernel dilated by 3 covers 7x7: valid on 7x7 gives 1x1, on 6x6 does not fit
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 1, 'kernel_size': 3, 'dilation_rate': 3}", new long[] {6, 6, 1}, "does not fit");
    Conv2D c = (Conv2D) Configs.layer("{'type': 'Conv2D', 'name': 'c', 'filters': 1, 'kernel_size': 3, 'dilation_rate': 3}");
    assertEquals(List.of(-1L, 1L, 1L, 1L), java.util.Arrays.stream(c.build(org.tensorflow.ndarray.Shape.of(-1, 7, 7, 1)).asArray()).boxed().toList());
    Configs.rejects("{'type': 'Conv2D', 'name': 'c', 'filters': 1, 'kernel_size': 3, 'dilation_rate': 2, 'strides': 2}",
        "Conv2D 'c'", "strides", "dilation_rate", "both exceed 1");
  }

  @Test
  void batchNormalizationWithoutGammaOrBeta() {
    for (String keys : new String[] {"'center': false", "'scale': false", "'center': false, 'scale': false"}) {
      BatchNormalization bn = (BatchNormalization) Configs.layer("{'type': 'BatchNormalization', 'name': 'bn', " + keys + "}");
      LayerCheck check = LayerCheck.of(bn, 4, 4, 3);
      check.configRoundTrip();
      check.gradients();
      bn.build(org.tensorflow.ndarray.Shape.of(-1, 4, 4, 3));
      List<String> names = bn.weights().stream().map(WeightSpec::name).toList();
      List<String> want = new java.util.ArrayList<>(List.of("gamma", "beta", "moving_mean", "moving_variance"));
      if (keys.contains("center")) want.remove("beta");
      if (keys.contains("scale")) want.remove("gamma");
      assertEquals(want, names, keys);
    }
  }

  @Test
  void batchNormalizationAxisIsTheLastOne() {
    Configs.roundTrip("{'type': 'BatchNormalization', 'name': 'bn', 'axis': 3}", 4, 4, 3);
    Configs.roundTrip("{'type': 'BatchNormalization', 'name': 'bn', 'axis': [-1]}", 5);
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'axis': 1}", new long[] {4, 4, 3}, "axis", "the last axis", "received 1");
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'axis': [1, 2]}", "axis", "one-element list");
  }
}
