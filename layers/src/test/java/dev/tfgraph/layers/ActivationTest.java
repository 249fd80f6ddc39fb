package dev.tfgraph.layers;

import org.junit.jupiter.api.Test;

class ActivationTest {
  @Test
  void forwardMatchesFloat64Reference() {
    for (String a : new String[] {"relu", "sigmoid", "tanh", "softmax"}) LayerHarness.checkForward32("activation_" + a);
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    for (String a : new String[] {"sigmoid", "tanh", "softmax"}) LayerHarness.checkGradients64("activation_" + a, false);
  }

  @Test
  void configRoundTripsAndRejectsUnknown() {
    Configs.roundTrip("{'type': 'Activation', 'name': 'a', 'activation': 'tanh'}", 6);
    Configs.rejects("{'type': 'Activation', 'name': 'a', 'activation': 'swish'}", "Activation 'a'", "swish");
    Configs.rejects("{'type': 'Activation', 'name': 'a'}", "activation", "required");
    Configs.rejects("{'type': 'Relu', 'name': 'a'}", "unknown layer type", "Relu");
  }
}
