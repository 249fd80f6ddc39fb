package dev.tfgraph.layers;

import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.merging.Average;
import dev.tfgraph.layers.merging.Concatenate;
import dev.tfgraph.layers.merging.Maximum;
import dev.tfgraph.layers.merging.Multiply;
import dev.tfgraph.layers.merging.Subtract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.testkit.LayerCheck;
import dev.tfgraph.testkit.LayerGraph;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Add, Subtract, Multiply, Average, Maximum and Concatenate against numpy float64 (testdata/graphs), and
 * the elementwise ones broadcasting as Keras 3's merge layers against Keras float64 (testdata/layers):
 * forward in float32 and float64, gradients of every input against the exact ones and against
 * central finite differences, config round trips and bad configs named at build time.
 */
class MergeLayersTest {
  static final String[] CASES = {"add_3", "subtract", "multiply_3", "average_2", "maximum_3", "concatenate_last", "concatenate_axis1"};

  @ParameterizedTest
  @ValueSource(strings = {"add_3", "subtract", "multiply_3", "average_2", "maximum_3", "concatenate_last", "concatenate_axis1"})
  void forwardMatchesFloat64Reference(String name) {
    try (MergeHarness h = new MergeHarness(name, "float32")) {
      LayerGraph.assertClose(h.data.get("y").toDoubles(), h.forward(), 1e-6, name + " float32");
    }
    try (MergeHarness h = new MergeHarness(name, "float64")) {
      LayerGraph.assertClose(h.data.get("y").toDoubles(), h.forward(), 1e-12, name + " float64");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"add_3", "subtract", "multiply_3", "average_2", "maximum_3", "concatenate_last", "concatenate_axis1"})
  void gradientsOfEveryInputMatchExactAndFiniteDifferences(String name) {
    try (MergeHarness h = new MergeHarness(name, "float64")) {
      List<double[]> grads = h.gradients();
      for (int i = 0; i < h.k; i++) {
        LayerGraph.assertClose(h.data.get("grad_x" + i).toDoubles(), grads.get(i), 1e-12, name + " dL/dx" + i);
        for (long seed = 0; seed < 3; seed++) {
          double[] fa = h.directional(i, grads.get(i), seed, 1e-6);
          assertEquals(fa[0], fa[1], 1e-6 * Math.max(1, Math.abs(fa[1])), name + " finite difference along x" + i);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"multiply_se", "add_rank", "subtract_broadcast", "average_broadcast", "maximum_broadcast"})
  void broadcastingMergesMatchKeras3(String name) {
    // Keras 3 float64 (gen_keras_layers.py): forward, every input's gradient (summed over the broadcast axes)
    MergeHarness.checkKerasCase(name);
  }

  @Test
  void broadcastShapesFollowKeras3() {
    assertEquals(List.of(-1L, 3L, 3L, 4L), outputShape("Multiply", "[null, 3, 3, 4]", "[null, 1, 1, 4]"));
    assertEquals(List.of(-1L, 3L, 4L), outputShape("Add", "[null, 3, 4]", "[null, 4]"));      // [b, 4] as [b, 1, 4]
    assertEquals(List.of(-1L, 3L, 4L), outputShape("Subtract", "[null, 1, 4]", "[null, 3, 1]"));
    assertEquals(List.of(-1L, 5L), outputShape("Maximum", "[null, 5]", "[null, 5]"));
  }

  private static List<Long> outputShape(String type, String a, String b) {
    Model m = Model.fromConfig(graphSpec("{'type': '" + type + "', 'name': 'm', 'inbound': ['a', 'b']}", a, b));
    List<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < m.outputShape().numDimensions(); i++) out.add(m.outputShape().get(i));
    return out;
  }

  @Test
  void configsRoundTripThroughGraphSpecs() {
    for (String type : List.of("Add", "Multiply", "Average", "Maximum", "Subtract")) {
      Model m = Model.fromConfig(graphSpec("{'type': '" + type + "', 'name': 'm', 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"));
      assertEquals(m.config(), Model.fromConfig(m.config()).config(), type);
      assertTrue(m.config().contains("\"inbound\""), m.config());
    }
    Model c = Model.fromConfig(graphSpec("{'type': 'Concatenate', 'name': 'm', 'axis': 1, 'inbound': ['a', 'b']}", "[null, 2, 3]", "[null, 4, 3]"));
    assertEquals(c.config(), Model.fromConfig(c.config()).config());
    assertEquals(List.of(-1L, 6L, 3L), List.of(c.outputShape().get(0), c.outputShape().get(1), c.outputShape().get(2)));
  }

  @Test
  void badConfigsAreNamedAtBuildTime() {
    rejects(graphSpec("{'type': 'Add', 'name': 'm', 'inbound': ['a', 'b']}", "[null, 3]", "[null, 4]"),
        "Add 'm'", "equal shape", "[None, 3]", "[None, 4]");
    rejects(graphSpec("{'type': 'Subtract', 'name': 'm', 'inbound': ['a', 'b', 'a']}", "[null, 3]", "[null, 3]"),
        "Subtract 'm'", "exactly 2 inbound", "received 3");
    rejects(graphSpec("{'type': 'Multiply', 'name': 'm', 'inbound': ['a']}, {'type': 'Add', 'name': 'n', 'inbound': ['m', 'b']}",
        "[null, 3]", "[null, 3]"), "Multiply 'm'", "2 or more inbound", "received 1");
    rejects(graphSpec("{'type': 'Concatenate', 'name': 'm', 'axis': 0, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "Concatenate 'm'", "axis", "batch");
    rejects(graphSpec("{'type': 'Concatenate', 'name': 'm', 'axis': 2, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "Concatenate 'm'", "axis 2", "out of range");
    rejects(graphSpec("{'type': 'Concatenate', 'name': 'm', 'inbound': ['a', 'b']}", "[null, 2, 3]", "[null, 4, 3]"),
        "Concatenate 'm'", "every axis but -1", "[None, 2, 3]", "[None, 4, 3]");
    rejects(graphSpec("{'type': 'Concatenate', 'name': 'm', 'axis': 'last', 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "Concatenate 'm'", "axis", "integer", "\"last\"");
    rejects(graphSpec("{'type': 'Add', 'name': 'm', 'factor': 2, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "Add 'm'", "unknown key", "factor");
    // Average and Maximum share the merge checks: each one named as itself
    rejects(graphSpec("{'type': 'Average', 'name': 'm', 'inbound': ['a', 'b']}", "[null, 3]", "[null, 2, 4]"),
        "Average 'm'", "equal shape", "broadcast", "[None, 3]", "[None, 2, 4]");
    rejects(graphSpec("{'type': 'Multiply', 'name': 'm', 'inbound': ['a', 'b']}", "[null, 4, 4, 8]", "[null, 1, 2, 8]"),
        "Multiply 'm'", "equal or 1", "[None, 4, 4, 8]", "[None, 1, 2, 8]");
    rejects(graphSpec("{'type': 'Maximum', 'name': 'm', 'inbound': ['a']}, {'type': 'Add', 'name': 'n', 'inbound': ['m', 'b']}",
        "[null, 3]", "[null, 3]"), "Maximum 'm'", "2 or more inbound", "received 1");
    rejects(graphSpec("{'type': 'Maximum', 'name': 'm', 'axis': 1, 'inbound': ['a', 'b']}", "[null, 3]", "[null, 3]"),
        "Maximum 'm'", "unknown key", "axis");
  }

  @Test
  void passLayerCheckWithSeveralInputs() {
    // the whole check (with an export in a child JVM) for two; config and gradients for the rest
    LayerCheck.ofInputs(new Add("add"), new long[] {4}, new long[] {4}, new long[] {4}).check();
    LayerCheck.ofInputs(new Concatenate("cat", 1, true), new long[] {2, 3}, new long[] {4, 3}).check();
    for (LayerCheck c : List.of(LayerCheck.ofInputs(new Subtract("sub"), new long[] {2, 3}, new long[] {2, 3}),
        LayerCheck.ofInputs(new Multiply("mul"), new long[] {5}, new long[] {5}),
        LayerCheck.ofInputs(new Average("avg"), new long[] {3, 3, 2}, new long[] {3, 3, 2}),
        LayerCheck.ofInputs(new Maximum("max"), new long[] {6}, new long[] {6}),
        LayerCheck.ofInputs(new Multiply("se"), new long[] {2, 2, 3}, new long[] {1, 1, 3}),
        LayerCheck.ofInputs(new Average("avg_b"), new long[] {2, 3}, new long[] {3}, new long[] {2, 1}))) {
      c.configRoundTrip();
      c.gradients();
    }
  }

  /** A version-2 spec with inputs a and b of the given shapes. */
  static String graphSpec(String layers, String shapeA, String shapeB) {
    return ("{'format_version': 2, 'name': 'g', 'inputs': [{'name': 'a', 'shape': " + shapeA + "}, {'name': 'b', 'shape': "
        + shapeB + "}], 'layers': [" + layers + "]}").replace('\'', '"');
  }

  static void rejects(String json, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(json));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }
}
