package dev.tfgraph.layers;

import dev.tfgraph.layers.bilinear.L2Normalize;
import org.junit.jupiter.api.Test;

class L2NormalizeTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("l2_normalize");
    LayerHarness.checkForward32("l2_normalize_zero");
  }

  @Test
  void gradientsFiniteForAnAllZeroExample() {
    LayerHarness.checkGradients64("l2_normalize", false);
    LayerHarness.checkGradients64("l2_normalize_zero", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'L2Normalize', 'name': 'l2'}", 4, 4);
    Configs.rejects("{'type': 'L2Normalize', 'name': 'l2', 'epsilon': 'small'}", "epsilon", "number");
    Configs.rejects("{'type': 'L2Normalize', 'name': 'l2', 'epsilon': 1e-320}", "L2Normalize 'l2'", "epsilon", "[1.0E-30, 1000.0]");
  }
}
