package dev.tfgraph.layers;

import dev.tfgraph.layers.core.LeakyReLU;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class LeakyReLUTest {
  @Test
  void forwardMatchesKerasFloat64() {
    LayerHarness.checkForward32("leaky_relu_default");
    LayerHarness.checkForward32("leaky_relu_0p1");
  }

  @Test
  void gradientsMatchKerasAndFiniteDifferences() {
    LayerHarness.checkGradients64("leaky_relu_default", false);   // the exact slope 0.3, also in float64
    LayerHarness.checkGradients64("leaky_relu_0p1", false);
  }

  @Test
  void configRoundTripsWithKerasDefaultSlope() {
    Configs.roundTrip("{'type': 'LeakyReLU', 'name': 'l'}", 4);
    Configs.roundTrip("{'type': 'LeakyReLU', 'name': 'l', 'negative_slope': 0.01}", 2, 3);
    Configs.specRoundTrip("{'type': 'LeakyReLU', 'name': 'l', 'negative_slope': 0.2}", 4);
    assertEquals(0.3, Configs.layer("{'type': 'LeakyReLU', 'name': 'l'}").config().get("negative_slope"));
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'LeakyReLU', 'name': 'l', 'negative_slope': -0.3}", "LeakyReLU 'l'", "negative_slope", "-0.3");
    Configs.rejects("{'type': 'LeakyReLU', 'name': 'l', 'negative_slope': '0.3'}", "LeakyReLU 'l'", "negative_slope", "a number");
    Configs.rejects("{'type': 'LeakyReLU', 'name': 'l', 'alpha': 0.3}", "LeakyReLU 'l'", "unknown key", "alpha");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new LeakyReLU("l", 0.1, true), 2, 3).check();
  }
}
