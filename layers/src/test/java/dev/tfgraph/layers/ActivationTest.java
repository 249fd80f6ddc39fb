package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.core.Dense;
import org.junit.jupiter.api.Test;

class ActivationTest {
  static final String[] ALL = {"relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "elu", "softplus", "leaky_relu"};
  /** The activations of Keras' image models, against Keras float64 (gen_keras_layers.py). */
  static final String[] KERAS = {"relu6", "silu", "hard_sigmoid", "hard_silu", "hard_swish", "selu", "softsign",
      "hard_sigmoid_legacy"};

  @Test
  void forwardMatchesFloat64Reference() {
    for (String a : ALL) LayerHarness.checkForward32("activation_" + a);
    for (String a : KERAS) LayerHarness.checkForward32("activation_" + a);
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    // relu and leaky_relu too: gen_layers.py keeps every input at least 1e-3 from the kink.
    for (String a : ALL) LayerHarness.checkGradients64("activation_" + a, false);
    // the piecewise ones too: gen_keras_layers.py keeps every input at least 1e-2 from 0, ±2.5, ±3 and 6
    for (String a : KERAS) LayerHarness.checkGradients64("activation_" + a, false);
  }

  @Test
  void configRoundTripsAndRejectsUnknown() {
    Configs.roundTrip("{'type': 'Activation', 'name': 'a', 'activation': 'tanh'}", 6);
    Configs.roundTrip("{'type': 'Dense', 'name': 'd', 'units': 3, 'activation': 'gelu'}", 6);
    for (String a : KERAS) Configs.roundTrip("{'type': 'Activation', 'name': 'a', 'activation': '" + a + "'}", 6);
    Configs.rejects("{'type': 'Activation', 'name': 'a', 'activation': 'hard_tanh'}", "Activation 'a'", "hard_tanh",
        "hard_sigmoid_legacy");
    Configs.rejects("{'type': 'Activation', 'name': 'a', 'activation': 'mish'}", "Activation 'a'", "mish");
    Configs.rejects("{'type': 'Activation', 'name': 'a'}", "activation", "required");
    Configs.rejects("{'type': 'Relu', 'name': 'a'}", "unknown layer type", "Relu");
  }
}
