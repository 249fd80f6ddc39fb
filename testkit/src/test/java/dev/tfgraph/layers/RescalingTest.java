package dev.tfgraph.layers;

import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class RescalingTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("rescaling");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("rescaling", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Rescaling', 'name': 's', 'scale': 0.00392156862745098, 'offset': -0.5}", 4, 4, 3);
    Configs.roundTrip("{'type': 'Rescaling', 'name': 's'}", 5);
    Configs.specRoundTrip("{'type': 'Rescaling', 'name': 's', 'scale': 2}", 5);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'scale': 'big'}", "Rescaling 's'", "scale", "a number", "\"big\"");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'offset': [1, 2]}", "Rescaling 's'", "offset", "a number");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'factor': 2}", "unknown key", "factor");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'Rescaling', 'name': 's', 'scale': 1e300}", new long[] {4}, "Rescaling 's'", "scale",
        "[-1000.0, 1000.0]", "1.0E300");
    Configs.refusesSpec("{'type': 'Rescaling', 'name': 's', 'offset': -1e5}", new long[] {4}, "Rescaling 's'", "offset",
        "[-1000.0, 1000.0]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Rescaling("s", 0.5, -0.25), 3, 2).check();
  }
}
