package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.merging.Multiply;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

/** testkit's LayerCheck, as a user runs it, passes on built-in layers (single and several inputs). */
class BuiltInLayerCheckTest {
  @Test
  void passesOnBuiltInLayers() {
    LayerCheck.of(new Dense("fc", 4, "gelu"), 5).check();
    LayerCheck.of(new SoftExponential("se", true, new double[] {-0.2, 0.3}, 0.0, true), 3).check();
    LayerCheck.ofInputs(new Multiply("mul"), new long[] {3}, new long[] {3}).gradients();
  }
}
