package dev.tfgraph.layers;

import dev.tfgraph.layers.core.LayerScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.testkit.LayerCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerScaleTest {
  @Test
  void forwardMatchesKerasFloat64() {
    LayerHarness.checkForward32("layer_scale");
  }

  @Test
  void gradientsOfInputAndGammaMatchKerasAndFiniteDifferences() {
    LayerHarness.checkGradients64("layer_scale", false);
  }

  @Test
  void gammaIsTheOneTrainableWeightStartingAtInitValues() {
    Layer l = Configs.layer("{'type': 'LayerScale', 'name': 'ls', 'init_values': 1e-6, 'projection_dim': 3}");
    l.build(Shapes.batchOf(2, 2, 3));
    assertEquals(1, l.weights().size());
    WeightSpec g = l.weights().get(0);
    assertEquals("ls.gamma", g.key());
    assertEquals(true, g.trainable());
    assertArrayEquals(new double[] {1e-6, 1e-6, 1e-6}, g.init().values(new long[] {3}, new SplittableRandom(1)));
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'LayerScale', 'name': 'ls', 'init_values': 1e-6, 'projection_dim': 4}", 3, 3, 4);
    Configs.specRoundTrip("{'type': 'LayerScale', 'name': 'ls', 'init_values': 0.5, 'projection_dim': 4}", 4);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'LayerScale', 'name': 'ls', 'projection_dim': 4}", "LayerScale 'ls'", "init_values", "required");
    Configs.rejects("{'type': 'LayerScale', 'name': 'ls', 'init_values': 1e-6}", "LayerScale 'ls'", "projection_dim", "required");
    Configs.rejects("{'type': 'LayerScale', 'name': 'ls', 'init_values': 1e-6, 'projection_dim': 0}", "LayerScale 'ls'",
        "projection_dim", "positive");
    Configs.rejects("{'type': 'LayerScale', 'name': 'ls', 'init_values': 1e-6, 'projection_dim': 4}", new long[] {3, 3, 5},
        "LayerScale 'ls'", "projection_dim 4", "last axis", "[None, 3, 3, 5]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new LayerScale("ls", 0.5, 3, true), 2, 3).check();
  }
}
