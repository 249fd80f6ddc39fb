package dev.tfgraph.layers;

import dev.tfgraph.layers.reshaping.ZeroPadding2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.testkit.LayerCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZeroPadding2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("zero_padding2d");
    LayerHarness.checkForward32("zero_padding2d_hw");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("zero_padding2d", false);
    LayerHarness.checkGradients64("zero_padding2d_hw", false);
  }

  @Test
  void configRoundTripsInTheCanonicalForm() {
    Configs.roundTrip("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [[1, 2], [0, 3]]}", 4, 5, 3);
    Configs.roundTrip("{'type': 'ZeroPadding2D', 'name': 'z'}", 4, 5, 3);
    // every accepted form is written back as [[top, bottom], [left, right]]
    assertEquals("[[1, 1], [1, 1]]", padding("{'type': 'ZeroPadding2D', 'name': 'z'}"));
    assertEquals("[[2, 2], [2, 2]]", padding("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': 2}"));
    assertEquals("[[2, 2], [1, 1]]", padding("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [2, 1]}"));
    assertEquals("[[0, 1], [2, 3]]", padding("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [[0, 1], [2, 3]]}"));
    Configs.specRoundTrip("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [2, 1]}", 4, 5, 3);
  }

  private static String padding(String json) {
    Map<String, Object> c = Configs.layer(json).config();
    return Configs.JSON.valueToTree(c.get("padding")).toString().replace(",", ", ");
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': -1}", "ZeroPadding2D 'z'", "padding", "[[-1, -1], [-1, -1]]");
    Configs.rejects("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [1, 2, 3]}", "padding",
        "an integer, [h, w] or [[top, bottom], [left, right]]", "[1,2,3]");
    Configs.rejects("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': [[1], [2, 3]]}", "padding");
    Configs.rejects("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': 'same'}", "padding", "\"same\"");
    Configs.rejects("{'type': 'ZeroPadding2D', 'name': 'z'}", new long[] {4, 5}, "ZeroPadding2D 'z'", "rank 4", "[None, 4, 5]");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': 2147483647}", new long[] {28, 28, 3},
        "ZeroPadding2D 'z'", "padding", "[0, 65536]", "2147483647");
    // within the per-side bound, but the output would pass the activation limit
    Configs.refusesSpec("{'type': 'ZeroPadding2D', 'name': 'z', 'padding': 65536}", new long[] {28, 28, 3},
        "ZeroPadding2D 'z'", "output", "2^28");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new ZeroPadding2D("z", new int[][] {{1, 0}, {2, 1}}, true), 3, 4, 2).check();
  }
}
