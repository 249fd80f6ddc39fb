package dev.tfgraph.layers;

import dev.tfgraph.layers.core.ReLU;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class ReLUTest {
  static final String[] CASES = {"relu_default", "relu_max6", "relu_full"};

  @Test
  void forwardMatchesKerasFloat64() {
    for (String c : CASES) LayerHarness.checkForward32(c);
  }

  @Test
  void gradientsMatchKerasAndFiniteDifferences() {
    // inputs at least 1e-2 from the kinks 0, threshold 0.5, max_value 4 and 6 (gen_keras_layers.py)
    for (String c : CASES) LayerHarness.checkGradients64(c, false);
  }

  @Test
  void configRoundTripsWithANullMaxValue() {
    Configs.roundTrip("{'type': 'ReLU', 'name': 'r'}", 3, 4);
    Configs.roundTrip("{'type': 'ReLU', 'name': 'r', 'max_value': 6, 'negative_slope': 0.1, 'threshold': 0.5}", 5);
    Configs.specRoundTrip("{'type': 'ReLU', 'name': 'r', 'max_value': null}", 5);
    JsonNode written = Configs.JSON.valueToTree(Configs.layer("{'type': 'ReLU', 'name': 'r'}").config());
    assertEquals("{\"type\":\"ReLU\",\"name\":\"r\",\"max_value\":null,\"negative_slope\":0.0,\"threshold\":0.0,\"trainable\":true}",
        written.toString());
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'ReLU', 'name': 'r', 'max_value': -1}", "ReLU 'r'", "max_value", "-1.0");
    Configs.rejects("{'type': 'ReLU', 'name': 'r', 'negative_slope': -0.1}", "ReLU 'r'", "negative_slope", "-0.1");
    Configs.rejects("{'type': 'ReLU', 'name': 'r', 'threshold': -1}", "ReLU 'r'", "threshold", "in [0");
    Configs.rejects("{'type': 'ReLU', 'name': 'r', 'max_value': 'six'}", "ReLU 'r'", "max_value", "a number", "\"six\"");
    Configs.rejects("{'type': 'ReLU', 'name': 'r', 'alpha': 0.1}", "ReLU 'r'", "unknown key", "alpha");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new ReLU("r", 2.0, 0.2, 0.1, true), 3, 4).check();
  }
}
