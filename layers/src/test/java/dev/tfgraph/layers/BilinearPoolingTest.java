package dev.tfgraph.layers;

import dev.tfgraph.layers.bilinear.BilinearPooling;
import org.junit.jupiter.api.Test;

class BilinearPoolingTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("bilinear_pooling");
    LayerHarness.checkForward32("bilinear_pooling_rank_deficient");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("bilinear_pooling", false);
    LayerHarness.checkGradients64("bilinear_pooling_rank_deficient", false);
  }

  @Test
  void configRoundTripsAndRejectsBadRank() {
    Configs.roundTrip("{'type': 'BilinearPooling', 'name': 'b', 'epsilon': 0.01}", 3, 3, 4);
    Configs.rejects("{'type': 'BilinearPooling', 'name': 'b'}", new long[] {12}, "rank 4", "[batch, height, width, channels]");
    Configs.roundTrip("{'type': 'BilinearPooling', 'name': 'b', 'epsilon': 0}", 3, 3, 4);
    Configs.rejects("{'type': 'BilinearPooling', 'name': 'b', 'epsilon': 1e9}", "BilinearPooling 'b'", "epsilon", "0 or a number > 0");
    // [C, C] per example past the activation limit
    Configs.refusesSpec("{'type': 'BilinearPooling', 'name': 'b'}", new long[] {2, 2, 30000},
        "BilinearPooling 'b'", "output", "[None, 30000, 30000]", "268,435,456", "channels");
  }
}
