package dev.tfgraph.layers;

import dev.tfgraph.layers.bilinear.SignedSqrt;
import org.junit.jupiter.api.Test;

class SignedSqrtTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("signed_sqrt");
  }

  @Test
  void gradientsFiniteAtZeroAndMatchPyTorch() {
    LayerHarness.checkGradients64("signed_sqrt", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'SignedSqrt', 'name': 's', 'epsilon': 1e-6}", 3, 3);
    Configs.rejects("{'type': 'SignedSqrt', 'name': 's', 'epsilon': -1}", "epsilon", "-1");
    Configs.rejects("{'type': 'SignedSqrt', 'name': 's', 'epsilon': 1e-40}", "SignedSqrt 's'", "epsilon", "[1.0E-30, 1000.0]", "1.0E-40");
  }
}
