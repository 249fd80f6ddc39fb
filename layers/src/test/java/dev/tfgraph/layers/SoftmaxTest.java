package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Softmax;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  @Test
  void forwardMatchesKerasFloat64() {
    LayerHarness.checkForward32("softmax_last");
    LayerHarness.checkForward32("softmax_axis1");
  }

  @Test
  void gradientsMatchKerasAndFiniteDifferences() {
    LayerHarness.checkGradients64("softmax_last", false);
    LayerHarness.checkGradients64("softmax_axis1", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Softmax', 'name': 's'}", 5);
    Configs.roundTrip("{'type': 'Softmax', 'name': 's', 'axis': 1}", 3, 4);
    Configs.specRoundTrip("{'type': 'Softmax', 'name': 's', 'axis': -2}", 3, 4);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Softmax', 'name': 's', 'axis': 0}", "Softmax 's'", "axis", "batch");
    Configs.rejects("{'type': 'Softmax', 'name': 's', 'axis': 2}", new long[] {4}, "Softmax 's'", "axis 2", "out of range",
        "[None, 4]");
    Configs.rejects("{'type': 'Softmax', 'name': 's', 'axis': -3}", new long[] {3, 4}, "Softmax 's'", "axis -3", "-1 to -2");
    Configs.rejects("{'type': 'Softmax', 'name': 's', 'axis': [1, 2]}", "Softmax 's'", "axis", "an integer", "[1,2]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Softmax("s", 1, true), 3, 2).check();
  }
}
