package dev.tfgraph.layers;

import dev.tfgraph.layers.normalization.LayerNormalization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.testkit.LayerCheck;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerNormalizationTest {
  static final String[] CASES = {"layer_norm", "layer_norm_axis1", "layer_norm_plain"};

  @Test
  void forwardMatchesKerasFloat64() {
    for (String c : CASES) LayerHarness.checkForward32(c);
  }

  @Test
  void gradientsOfInputGammaAndBetaMatchKerasAndFiniteDifferences() {
    for (String c : CASES) LayerHarness.checkGradients64(c, false);
  }

  @Test
  void weightsFollowCenterAndScaleOnTheChosenAxis() {
    Layer l = Configs.layer("{'type': 'LayerNormalization', 'name': 'ln', 'axis': 1}");
    l.build(Shapes.batchOf(5, 3));
    assertEquals(List.of("ln.gamma", "ln.beta"), l.weights().stream().map(WeightSpec::key).toList());
    assertArrayEquals(new long[] {5}, l.weights().get(0).shape().asArray());
    assertArrayEquals(new double[] {1, 1, 1, 1, 1}, l.weights().get(0).init().values(new long[] {5}, new SplittableRandom(1)));
    assertArrayEquals(new double[] {0, 0, 0, 0, 0}, l.weights().get(1).init().values(new long[] {5}, new SplittableRandom(1)));
    Layer noScale = Configs.layer("{'type': 'LayerNormalization', 'name': 'ln', 'scale': false}");
    noScale.build(Shapes.batchOf(4));
    assertEquals(List.of("ln.beta"), noScale.weights().stream().map(WeightSpec::key).toList());
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'LayerNormalization', 'name': 'ln'}", 3, 4);
    Configs.roundTrip("{'type': 'LayerNormalization', 'name': 'ln', 'axis': 1, 'epsilon': 1e-6, 'center': false}", 5, 3);
    Configs.specRoundTrip("{'type': 'LayerNormalization', 'name': 'ln', 'epsilon': 1e-6, 'scale': false}", 4);
    // Keras 2 writes the axis as a list of one: read, and written back as the integer
    assertEquals(3, Configs.layer("{'type': 'LayerNormalization', 'name': 'ln', 'axis': [3]}").config().get("axis"));
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'axis': [1, 2]}", "LayerNormalization 'ln'", "axis",
        "one integer", "[1.0, 2.0]");
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'axis': 0}", "LayerNormalization 'ln'", "axis", "batch");
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'axis': 2}", new long[] {4}, "LayerNormalization 'ln'",
        "axis 2", "out of range", "[None, 4]");
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'epsilon': 0}", "LayerNormalization 'ln'", "epsilon", "> 0");
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'center': 'yes'}", "LayerNormalization 'ln'", "center",
        "true or false");
    Configs.rejects("{'type': 'LayerNormalization', 'name': 'ln', 'rms_scaling': true}", "LayerNormalization 'ln'",
        "unknown key", "rms_scaling");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new LayerNormalization("ln", -1, 1e-3, true, true, true), 2, 4).check();
  }
}
