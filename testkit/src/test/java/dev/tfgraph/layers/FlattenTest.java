package dev.tfgraph.layers;

import org.junit.jupiter.api.Test;

class FlattenTest {
  @Test
  void forwardIsRowMajor() {
    LayerHarness.checkForward32("flatten");
  }

  @Test
  void gradientsMatch() {
    LayerHarness.checkGradients64("flatten", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Flatten', 'name': 'f'}", 3, 4, 2);
    Configs.rejects("{'type': 'Flatten', 'name': 'f', 'rate': 1}", "unknown key", "rate");
  }
}
