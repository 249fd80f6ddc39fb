package dev.tfgraph.layers;

import dev.tfgraph.layers.reshaping.Cropping2D;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.testkit.LayerCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Cropping2DTest {
  @Test
  void forwardMatchesKerasFloat64() {
    LayerHarness.checkForward32("cropping2d");
    LayerHarness.checkForward32("cropping2d_hw");
  }

  @Test
  void gradientsMatchKerasAndFiniteDifferences() {
    LayerHarness.checkGradients64("cropping2d", false);
    LayerHarness.checkGradients64("cropping2d_hw", false);
  }

  @Test
  void configRoundTripsInTheCanonicalForm() {
    Configs.roundTrip("{'type': 'Cropping2D', 'name': 'c', 'cropping': [[1, 2], [0, 3]]}", 6, 7, 3);
    Configs.roundTrip("{'type': 'Cropping2D', 'name': 'c'}", 4, 5, 3);
    assertEquals("[[0, 0], [0, 0]]", cropping("{'type': 'Cropping2D', 'name': 'c'}"));
    assertEquals("[[2, 2], [2, 2]]", cropping("{'type': 'Cropping2D', 'name': 'c', 'cropping': 2}"));
    assertEquals("[[2, 2], [1, 1]]", cropping("{'type': 'Cropping2D', 'name': 'c', 'cropping': [2, 1]}"));
    Configs.specRoundTrip("{'type': 'Cropping2D', 'name': 'c', 'cropping': [2, 1]}", 6, 5, 3);
  }

  private static String cropping(String json) {
    Map<String, Object> c = Configs.layer(json).config();
    return Configs.JSON.valueToTree(c.get("cropping")).toString().replace(",", ", ");
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Cropping2D', 'name': 'c', 'cropping': -1}", "Cropping2D 'c'", "cropping", "[[-1, -1], [-1, -1]]");
    Configs.rejects("{'type': 'Cropping2D', 'name': 'c', 'cropping': [1, 2, 3]}", "cropping",
        "an integer, [h, w] or [[top, bottom], [left, right]]", "[1,2,3]");
    Configs.rejects("{'type': 'Cropping2D', 'name': 'c', 'cropping': [[2, 2], [0, 0]]}", new long[] {4, 5, 3},
        "Cropping2D 'c'", "leaves nothing", "[None, 4, 5, 3]", "top + bottom < 4");
    Configs.rejects("{'type': 'Cropping2D', 'name': 'c'}", new long[] {4, 5}, "Cropping2D 'c'", "rank 4", "[None, 4, 5]");
    Configs.refusesSpec("{'type': 'Cropping2D', 'name': 'c', 'cropping': 2147483647}", new long[] {28, 28, 3},
        "Cropping2D 'c'", "cropping", "[0, 65536]", "2147483647");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Cropping2D("c", new int[][] {{1, 0}, {2, 1}}, true), 3, 5, 2).check();
  }
}
