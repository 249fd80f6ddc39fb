package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.model.Model;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.io.NpyArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one finiteness check of weights: after the cast to the model's dtype, naming the key and the first bad index. */
class WeightCheckTest {
  static Model model(String dtype) {
    return Model.fromConfig(("{'name': 'm', 'input': {'name': 'x', 'shape': [null, 3], 'dtype': '" + dtype + "'}, "
        + "'layers': [{'type': 'Scale', 'name': 's', 'width': 3}]}").replace('\'', '"'));
  }

  @Test
  void nonFiniteWeightsAreBadInputNamingKeyAndIndex() {
    Model m = model("float32");
    BadInputException e = assertThrows(BadInputException.class, () -> WeightCheck.check(m,
        Map.of("s.scale", NpyArray.ofFloats(new long[] {3}, new float[] {1, 2, Float.NaN})), "w.npz"));
    assertTrue(e.getMessage().startsWith("w.npz: weight \"s.scale\"") && e.getMessage().contains("[2]")
        && e.getMessage().contains("NaN"), e.getMessage());
    // float64 values beyond float32's range are infinite in a float32 model, finite in a float64 one
    Map<String, NpyArray> big = Map.of("s.scale", NpyArray.ofDoubles(new long[] {3}, new double[] {1, 1e300, 1}));
    e = assertThrows(BadInputException.class, () -> WeightCheck.check(m, big, "w.npz"));
    assertTrue(e.getMessage().contains("[1]") && e.getMessage().contains("1.0E300 beyond float32's range"), e.getMessage());
    WeightCheck.check(model("float64"), big, "w.npz");
    e = assertThrows(BadInputException.class, () -> WeightCheck.check(model("float64"),
        Map.of("s.scale", NpyArray.ofDoubles(new long[] {3}, new double[] {1, 1, Double.NEGATIVE_INFINITY})), "w.npz"));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("-Infinity"), e.getMessage());
  }

  @Test
  void weightsARunProducedFailTheRun() {
    Map<String, NpyArray> w = Map.of("k", NpyArray.ofFloats(new long[] {2, 2}, new float[] {0, 0, Float.POSITIVE_INFINITY, 0}));
    RunFailedException e = assertThrows(RunFailedException.class, () -> WeightCheck.requireFinite(w, false, "training"));
    assertTrue(e.getMessage().contains("\"k\"") && e.getMessage().contains("[1, 0]"), e.getMessage());
    assertNull(WeightCheck.nonFinite(Map.of("k", NpyArray.ofFloats(new long[] {1}, new float[] {Float.MAX_VALUE})), false));
  }
}
