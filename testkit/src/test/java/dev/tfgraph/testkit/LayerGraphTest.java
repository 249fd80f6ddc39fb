package dev.tfgraph.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.TestLayers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat64;

/** The layer harness runs on the runtime's model graph: its variables, the ops that load them, its session. */
class LayerGraphTest {
  @Test
  void weightsGoThroughTheModelRuntime() {
    try (LayerGraph h = new LayerGraph(new TestLayers.Affine("fc", 2, "linear", true), Shape.of(-1, 3), new long[] {4, 3}, TFloat64.class, false)) {
      assertSame(h.model, h.runtime.graph());
      assertSame(h.session, h.runtime.session());
      assertEquals(h.model.variables().keySet(), h.vars.keySet());
      for (WeightSpec w : h.layer.weights()) {
        assertNotNull(h.graph.operation(w.varName()), "the runtime's variable " + w.varName());
        assertNotNull(h.graph.operation(w.varName() + "__value"), "the runtime's assign value of " + w.varName());
      }
      double[] kernel = {1, 2, 3, 4, 5, 6}, bias = {0.5, -0.5};
      h.setWeights(Map.of("kernel", kernel, "bias", bias));
      Map<String, dev.tfgraph.graph.io.NpyArray> read = h.runtime.weights();
      assertArrayEquals(kernel, read.get("fc.kernel").toDoubles(), 0);
      assertArrayEquals(bias, read.get("fc.bias").toDoubles(), 0);
      double[] y = h.forward(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1});
      assertArrayEquals(new double[] {1.5, 1.5, 3.5, 3.5, 5.5, 5.5, 9.5, 11.5}, y, 1e-12);
      assertArrayEquals(new long[] {4, 2}, h.yShape);
    }
  }

  @Test
  void aMissingWeightIsNamed() {
    try (LayerGraph h = new LayerGraph(new TestLayers.Affine("fc", 2, "linear", true), Shape.of(-1, 3), new long[] {4, 3}, TFloat64.class, false)) {
      var e = assertThrows(IllegalArgumentException.class, () -> h.setWeights(Map.of("kernel", new double[6])));
      assertEquals("Affine 'fc': no value given for weight bias", e.getMessage());
    }
  }
}
