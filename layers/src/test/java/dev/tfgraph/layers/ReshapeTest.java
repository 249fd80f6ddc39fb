package dev.tfgraph.layers;

import dev.tfgraph.layers.reshaping.Reshape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Shapes;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class ReshapeTest {
  @Test
  void forwardIsRowMajor() {
    LayerHarness.checkForward32("reshape_infer");
    LayerHarness.checkForward32("reshape_3d");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("reshape_infer", false);
    LayerHarness.checkGradients64("reshape_3d", false);
  }

  @Test
  void configRoundTripsWithTheMinusOneKept() {
    Configs.roundTrip("{'type': 'Reshape', 'name': 'r', 'target_shape': [4, -1]}", 3, 4, 2);
    Configs.specRoundTrip("{'type': 'Reshape', 'name': 'r', 'target_shape': [-1, 2, 2]}", 3, 4, 2);
    assertEquals("[None, 6, 2, 2]", Shapes.show(Configs.layer("{'type': 'Reshape', 'name': 'r', 'target_shape': [-1, 2, 2]}")
        .build(Shapes.batchOf(3, 4, 2))));
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Reshape', 'name': 'r'}", "Reshape 'r'", "target_shape", "required");
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': 4}", "target_shape", "a list of integers", "4");
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': []}", "target_shape", "1 to 8 integers", "[]");
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': [-1, -1]}", "target_shape", "at most one", "[-1, -1]");
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': [0, 4]}", "target_shape", "[0, 4]");
    // element counts that do not match, named with the input shape and target_shape
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': [3, 5]}", new long[] {4, 4},
        "Reshape 'r'", "target_shape [3, 5]", "input [None, 4, 4]", "16 values", "holds 15");
    Configs.rejects("{'type': 'Reshape', 'name': 'r', 'target_shape': [-1, 5]}", new long[] {4, 4},
        "Reshape 'r'", "target_shape [-1, 5]", "input [None, 4, 4]", "16 is not a multiple of 5");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'Reshape', 'name': 'r', 'target_shape': [1, 1, 1, 1, 1, 1, 1, 1, 1]}", new long[] {4},
        "Reshape 'r'", "target_shape", "1 to 8 integers");
    Configs.refusesSpec("{'type': 'Reshape', 'name': 'r', 'target_shape': [2147483647, 2147483647]}", new long[] {4},
        "Reshape 'r'", "target_shape", "[1, 268435456]", "[2147483647, 2147483647]");
    // 8 factors of 2^28 would overflow a long: refused as a mismatch, not an ArithmeticException
    Configs.refusesSpec("{'type': 'Reshape', 'name': 'r', 'target_shape': [268435456, 268435456, 268435456, 268435456, -1]}",
        new long[] {4}, "Reshape 'r'", "does not fit input [None, 4]", "more than 4");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Reshape("r", 2, -1), 3, 4).check();
  }
}
