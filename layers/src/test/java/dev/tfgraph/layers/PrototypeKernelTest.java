package dev.tfgraph.layers;

import dev.tfgraph.layers.prototype.PrototypeKernel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrototypeKernelTest {
  @Test
  void forwardMatchesFloat64ReferenceForEachKernel() {
    for (String k : new String[] {"gaussian", "laplacian", "exp"}) LayerHarness.checkForward32("prototype_" + k);
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    for (String k : new String[] {"gaussian", "laplacian", "exp"}) LayerHarness.checkGradients64("prototype_" + k, false);
  }

  @Test
  void prototypesAndScaleAreNotTrainable() {
    PrototypeKernel p = new PrototypeKernel("p", 4);
    p.build(Shapes.batchOf(5));
    Map<String, Boolean> trainable = new java.util.HashMap<>();
    p.weights().forEach(w -> trainable.put(w.name(), w.trainable()));
    assertEquals(Map.of("prototypes", false, "scale", false, "kernel", true, "bias", true), trainable);
  }

  /** 3 classes, 2 features; feature 1 is constant, so its scale is floored at 1e-3. */
  static final float[] X = {0, 5, 1, 5, 2, 5, 10, 5, 11, 5, 12, 5, 20, 5, 21, 5, 22, 5};
  static final int[] Y = {0, 0, 0, 1, 1, 1, 2, 2, 2};

  @Test
  void adaptTakesRowsOfTheRightClassAndFloorsTheScale() {
    PrototypeKernel p = new PrototypeKernel("p", 6, "gaussian", "per_class_random", 3, true);
    p.build(Shapes.batchOf(2));
    Map<String, double[]> v = p.adapt(X, 9, Y, 3);
    double[] protos = v.get("prototypes");
    for (int k = 0; k < 6; k++) {
      int cls = k / 2;
      assertTrue(protos[2 * k] >= 10 * cls && protos[2 * k] <= 10 * cls + 2, "row " + k + " is from class " + cls);
    }
    assertFalse(protos[0] == protos[2], "two distinct rows per class");
    assertEquals(1e-3, v.get("scale")[1]);
    assertEquals(Math.sqrt(((0 + 1 + 4) + (100 + 121 + 144) + (400 + 441 + 484)) / 9.0 - 11 * 11), v.get("scale")[0], 1e-9);
    assertArrayEquals(protos, p.adapt(X, 9, Y, 3).get("prototypes"), "same seed, same rows");
  }

  @Test
  void kmeansWithOneCentrePerClassIsTheClassMean() {
    PrototypeKernel p = new PrototypeKernel("p", 3, "gaussian", "per_class_kmeans", 0, true);
    p.build(Shapes.batchOf(2));
    assertArrayEquals(new double[] {1, 5, 11, 5, 21, 5}, p.adapt(X, 9, Y, 3).get("prototypes"), 1e-12);
  }

  @Test
  void adaptRejectsFewerUnitsThanClasses() {
    PrototypeKernel p = new PrototypeKernel("p", 2);
    p.build(Shapes.batchOf(2));
    BadInputException e = assertThrows(BadInputException.class, () -> p.adapt(X, 9, Y, 3));
    assertTrue(e.getMessage().contains("PrototypeKernel 'p'") && e.getMessage().contains("units") && e.getMessage().contains("2"));
  }

  @Test
  void configRoundTripsAndRejectsUnknownKernel() {
    Configs.roundTrip("{'type': 'PrototypeKernel', 'name': 'p', 'units': 10, 'kernel': 'laplacian', 'selection': 'per_class_kmeans', 'seed': 4}", 7);
    Configs.rejects("{'type': 'PrototypeKernel', 'name': 'p', 'units': 10, 'kernel': 'cosine'}", "PrototypeKernel 'p'", "kernel", "cosine", "gaussian");
    Configs.rejects("{'type': 'PrototypeKernel', 'name': 'p', 'units': 10, 'selection': 'first'}", "selection", "first");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'PrototypeKernel', 'name': 'p', 'units': 2147483647}", new long[] {8},
        "PrototypeKernel 'p'", "units", "<= 16777216", "2147483647");
    // d and f are [batch, units, n]: 20000·20000 values per example
    Configs.refusesSpec("{'type': 'PrototypeKernel', 'name': 'p', 'units': 20000}", new long[] {20000},
        "PrototypeKernel 'p'", "distances", "[None, 20000, 20000]", "units");
  }
}
