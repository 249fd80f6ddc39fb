package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.runtime.ModelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keras models built from tfgraph_keras' seed layers and written by real Keras (testdata/keras/seed/gen_seed.py:
 * Keras 3.15.1 on TensorFlow 2.21) import into tfgraph as its own layers, with the weights Keras holds under
 * tfgraph's names, and predict what Keras predicts: max |got − want| ≤ 1e-4 · max |want|.
 */
class KerasSeedImportTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "seed");

  /** Each fixture, its seed layer's name and type, and a weight whose perturbation must show. */
  record Fixture(String name, String layer, String type, String perturbed) {}

  static final List<Fixture> FIXTURES = List.of(
      new Fixture("seed_taylor", "taylor", "TaylorExpansion", "taylor.a"),
      new Fixture("seed_prototype", "prototypes", "PrototypeKernel", "prototypes.prototypes"),
      new Fixture("seed_prototype_kmeans", "prototypes", "PrototypeKernel", "prototypes.scale"),
      new Fixture("seed_ib_svd", "sqrt", "MatrixSqrt", "conv1.kernel"),
      new Fixture("seed_ib_eigh", "sqrt", "MatrixSqrt", "conv1.kernel"),
      new Fixture("seed_ib_newton_schulz", "sqrt", "MatrixSqrt", "conv1.kernel"),
      new Fixture("seed_softexp", "softexp", "SoftExponential", "softexp.alpha"));

  @Test
  void everySeedModelPredictsWhatKerasPredicts() {
    StringBuilder bad = new StringBuilder();
    for (Fixture f : FIXTURES) {
      KerasModel k = KerasModel.load(DIR.resolve(f.name() + ".keras"));
      assertEquals(f.type(), k.model().layer(f.layer()).type(), f.name());
      double err = scaledError(predict(k, k.weights(), f.name()), want(f.name()));
      if (!(err <= tolerance(f.name()))) bad.append(String.format(Locale.ROOT, "%s: %.3g; ", f.name(), err));
    }
    assertEquals("", bad.toString(), "max |got - want| / max |want| above the tolerance");
  }

  /**
   * 1e-4 of the output's scale; 2e-3 for the predictions of the float32 models with a MatrixSqrt of method svd or eigh,
   * parity's default for that family: the eigendecomposition's rounding differs between CPUs (Keras wrote the fixture
   * on an AVX-512 one; on an AVX2 one tfgraph's seed_ib_eigh differs by 7.4e-4), and SignedSqrt magnifies it on the
   * entries near 0. Training steps keep 1e-4 on both.
   */
  static double tolerance(String fixture) {
    return fixture.matches("seed_ib_(svd|eigh)") ? 2e-3 : 1e-4;
  }

  @Test
  void theWeightsAreKerasOwnUnderTheSameNames() {
    for (Fixture f : FIXTURES) {
      KerasModel k = KerasModel.load(DIR.resolve(f.name() + ".keras"));
      Map<String, NpyArray> keras = Npz.read(DIR.resolve(f.name() + ".w.npz"));
      List<String> declared = k.model().weights().stream().map(WeightSpec::key).toList();
      assertEquals(new TreeSet<>(keras.keySet()), new TreeSet<>(declared), f.name() + ": tfgraph's weight names are Keras' <layer>.<weight>");
      assertEquals(new TreeSet<>(keras.keySet()), new TreeSet<>(k.weights().keySet()), f.name());
      for (String key : keras.keySet()) {
        assertArrayEquals(keras.get(key).shape(), k.weights().get(key).shape(), f.name() + " " + key);
        assertArrayEquals(keras.get(key).toFloats(), k.weights().get(key).toFloats(), f.name() + " " + key + " is read bit for bit");
      }
    }
  }

  @Test
  void theConfigsComeAcrossKeyForKey() {
    KerasModel p = KerasModel.load(DIR.resolve("seed_prototype_kmeans.keras"));
    Map<String, Object> c = p.model().layer("prototypes").config();
    assertEquals(List.of(6, "laplacian", "per_class_kmeans", 7),
        List.of(((Number) c.get("units")).intValue(), c.get("kernel"), c.get("selection"), ((Number) c.get("seed")).intValue()), c.toString());
    for (String method : new String[] {"svd", "eigh", "newton_schulz"}) {
      KerasModel k = KerasModel.load(DIR.resolve("seed_ib_" + method + ".keras"));
      assertEquals(method, k.model().layer("sqrt").config().get("method"));
      assertEquals(6, ((Number) k.model().layer("sqrt").config().get("iterations")).intValue());
      assertEquals("BilinearPooling", k.model().layer("bilinear").type());
      assertEquals("SignedSqrt", k.model().layer("signed_sqrt").type());
      assertEquals("L2Normalize", k.model().layer("l2").type());
    }
    Map<String, Object> s = KerasModel.load(DIR.resolve("seed_softexp.keras")).model().layer("softexp").config();
    assertEquals(Boolean.TRUE, s.get("doubled"), s.toString());
    assertEquals(1e-4, ((Number) s.get("alpha_l2")).doubleValue(), 1e-12, s.toString());
  }

  /** Keras' adapt (tfgraph_keras) and tfgraph's pick the same prototypes and scale from the same data, labels and seed. */
  @Test
  void adaptInKerasAndInTfgraphChooseTheSamePrototypes() {
    for (String name : new String[] {"seed_prototype", "seed_prototype_kmeans"}) {
      KerasModel k = KerasModel.load(DIR.resolve(name + ".keras"));
      NpyArray x = Npy.read(DIR.resolve(name + ".adapt_x.npy"));
      int[] y = java.util.Arrays.stream(Npy.read(DIR.resolve(name + ".adapt_y.npy")).toLongs()).mapToInt(Math::toIntExact).toArray();
      var layer = (dev.tfgraph.layers.prototype.PrototypeKernel) k.model().layer("prototypes");
      Map<String, double[]> adapted = layer.adapt(x.toFloats(), y.length, y, 3);
      for (String w : new String[] {"prototypes", "scale"}) {
        float[] keras = k.weights().get("prototypes." + w).toFloats();
        double[] ours = adapted.get(w);
        assertEquals(keras.length, ours.length, name + " " + w);
        for (int i = 0; i < ours.length; i++) {
          assertEquals(keras[i], ours[i], 1e-6 * Math.max(1, Math.abs(keras[i])), name + " " + w + "[" + i + "]");
        }
      }
    }
  }

  /** The comparison can fail: one weight moved by a few percent of its scale puts the output past the tolerance. */
  @Test
  void aPerturbedWeightFailsTheComparison() {
    for (Fixture f : FIXTURES) {
      KerasModel k = KerasModel.load(DIR.resolve(f.name() + ".keras"));
      Map<String, NpyArray> w = new LinkedHashMap<>(k.weights());
      NpyArray one = w.get(f.perturbed());
      float[] v = one.toFloats();
      float scale = 0;
      for (float x : v) scale = Math.max(scale, Math.abs(x));
      for (int i = 0; i < v.length; i += 3) v[i] += 0.05f * scale;
      w.put(f.perturbed(), NpyArray.ofFloats(one.shape(), v));
      double err = scaledError(predict(k, w, f.name()), want(f.name()));
      assertTrue(err > 2 * tolerance(f.name()), f.name() + ": " + f.perturbed() + " perturbed still gives " + err);
    }
  }

  static float[] want(String name) {
    return Npy.read(DIR.resolve(name + ".y.npy")).toFloats();
  }

  static float[] predict(KerasModel k, Map<String, NpyArray> weights, String name) {
    try (ModelRuntime rt = ModelRuntime.inference(k.model())) {
      rt.setWeights(weights);
      NpyArray x = Npy.read(DIR.resolve(name + ".x.npy"));
      List<float[]> xs = new ArrayList<>();
      xs.add(x.toFloats());
      int n = (int) x.shape()[0];
      return rt.predict(xs, n, 64);
    }
  }

  static double scaledError(float[] got, float[] want) {
    assertEquals(want.length, got.length);
    double max = 0, scale = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs((double) got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    return max / scale;
  }
}
