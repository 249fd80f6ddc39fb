package dev.tfgraph.layers;

import dev.tfgraph.layers.reshaping.Flatten;
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
    // an input whose size overflows a long: refused with the limit, not "long overflow" (exit 3)
    Configs.rejects("{'type': 'Flatten', 'name': 'f'}", new long[] {2147483647L, 2147483647L, 3}, "Flatten 'f'", "input", "2^63", "268,435,456");
    Configs.refusesSpec("{'type': 'Flatten', 'name': 'f'}", new long[] {2147483647L, 2147483647L, 3}, "model 'm'", "input x", "2^28");
  }
}
