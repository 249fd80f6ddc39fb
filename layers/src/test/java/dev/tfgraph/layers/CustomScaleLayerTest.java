package dev.tfgraph.layers;

import dev.tfgraph.layers.core.CustomScaleLayer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class CustomScaleLayerTest {
  @Test
  void forwardAndGradientsOfBothInputsMatchKerasAndFiniteDifferences() {
    MergeHarness.checkKerasCase("custom_scale");
  }

  @Test
  void configRoundTripsThroughAGraphSpec() {
    Model m = Model.fromConfig(MergeLayersTest.graphSpec("{'type': 'CustomScaleLayer', 'name': 'cs', 'scale': 0.17, 'inbound': ['a', 'b']}",
        "[null, 3, 3, 4]", "[null, 3, 3, 4]"));
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
  }

  @Test
  void badConfigsAreNamedAtBuildTime() {
    MergeLayersTest.rejects(MergeLayersTest.graphSpec("{'type': 'CustomScaleLayer', 'name': 'cs', 'inbound': ['a', 'b']}",
        "[null, 3]", "[null, 3]"), "CustomScaleLayer 'cs'", "scale", "required");
    MergeLayersTest.rejects(MergeLayersTest.graphSpec(
        "{'type': 'CustomScaleLayer', 'name': 'cs', 'scale': 0.1, 'inbound': ['a', 'b', 'a']}", "[null, 3]", "[null, 3]"),
        "CustomScaleLayer 'cs'", "exactly 2 inbound", "received 3");
    MergeLayersTest.rejects(MergeLayersTest.graphSpec(
        "{'type': 'CustomScaleLayer', 'name': 'cs', 'scale': 0.1, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 4]"),
        "CustomScaleLayer 'cs'", "[None, 3]", "[None, 4]");
    MergeLayersTest.rejects(MergeLayersTest.graphSpec(
        "{'type': 'CustomScaleLayer', 'name': 'cs', 'scale': 1e9, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "CustomScaleLayer 'cs'", "scale", "1.0E9");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.ofInputs(new CustomScaleLayer("cs", 0.17, true), new long[] {2, 3}, new long[] {2, 3}).check();
  }
}
