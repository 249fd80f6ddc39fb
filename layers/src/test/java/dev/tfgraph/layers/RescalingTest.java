package dev.tfgraph.layers;

import dev.tfgraph.layers.preprocessing.Rescaling;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class RescalingTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("rescaling");
  }

  @Test
  void perChannelListsMatchKerasFloat64() {
    for (String c : new String[] {"rescaling_per_channel", "rescaling_list_scalar"}) {
      LayerHarness.checkForward32(c);
      LayerHarness.checkGradients64(c, false);
    }
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
    Configs.roundTrip("{'type': 'Rescaling', 'name': 's', 'scale': [0.5, 2, 4], 'offset': [-1, 0, 1]}", 4, 4, 3);
    Configs.specRoundTrip("{'type': 'Rescaling', 'name': 's', 'scale': [0.5, 2, 4], 'offset': 0.25}", 2, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'scale': 'big'}", "Rescaling 's'", "scale", "a number", "\"big\"");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'offset': [1, 'a']}", "Rescaling 's'", "offset", "a list of numbers");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'offset': [1, 2]}", new long[] {4, 3}, "Rescaling 's'", "offset has 2 entries",
        "last axis has 3", "[None, 4, 3]");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'scale': []}", "Rescaling 's'", "scale has 0 entries");
    Configs.rejects("{'type': 'Rescaling', 'name': 's', 'factor': 2}", "unknown key", "factor");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'Rescaling', 'name': 's', 'scale': 1e300}", new long[] {4}, "Rescaling 's'", "scale",
        "[-1000.0, 1000.0]", "1.0E300");
    Configs.refusesSpec("{'type': 'Rescaling', 'name': 's', 'offset': -1e5}", new long[] {4}, "Rescaling 's'", "offset",
        "[-1000.0, 1000.0]");
    Configs.refusesSpec("{'type': 'Rescaling', 'name': 's', 'scale': [1, 1e9]}", new long[] {2}, "Rescaling 's'", "scale",
        "[-1000.0, 1000.0]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Rescaling("s", 0.5, -0.25), 3, 2).check();
  }
}
