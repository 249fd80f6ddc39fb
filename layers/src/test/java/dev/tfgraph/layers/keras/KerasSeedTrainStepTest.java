package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One SGD step from a Keras file with a seed layer equals Keras' own step with tfgraph_keras
 * (testdata/keras/seed/gen_seed.py: Keras 3.15.1, SGD 0.1, sparse categorical cross-entropy, one batch of 16):
 * for every weight, max |Δw_tfgraph − Δw_keras| ≤ 1e-4 · max |Δw_keras|. MatrixSqrt's steps go through
 * rank-deficient matrices (4 positions, 8 channels, BilinearPooling epsilon 0), where only the exact
 * Lyapunov gradient is finite and right.
 */
class KerasSeedTrainStepTest {
  static final Path DIR = KerasSeedImportTest.DIR;
  static final List<String> STEPS = List.of("step_taylor", "step_prototype", "step_ib_svd", "step_ib_eigh", "step_ib_newton_schulz", "step_softexp");

  static TrainResult step(String name, Model m, Map<String, NpyArray> w) {
    return KerasTrainStepTest.step(DIR, name, m, w);
  }

  /** For each trainable weight, max |Δw_tfgraph − Δw_keras| / max |Δw_keras|; frozen weights must not move in either. */
  static Map<String, Double> stepErrors(String name, Map<String, NpyArray> before, Map<String, NpyArray> got, Set<String> frozen) {
    Map<String, NpyArray> after = Npz.read(DIR.resolve(name + ".after.npz"));
    assertEquals(after.keySet(), before.keySet(), name);
    return KerasTrainStepTest.stepErrors(before, after, got, frozen, name);
  }

  @Test
  void oneStepEqualsKerasForEveryWeightOfEverySeedModel() {
    StringBuilder bad = new StringBuilder();
    for (String name : STEPS) {
      KerasModel k = KerasModel.load(DIR.resolve(name + ".keras"));
      Set<String> frozen = k.model().weights().stream().filter(w -> !w.trainable()).map(WeightSpec::key).collect(Collectors.toSet());
      assertEquals(name.equals("step_prototype") ? Set.of("prototypes.prototypes", "prototypes.scale") : Set.of(), frozen, name);
      TrainResult r = step(name, k.model(), k.weights());
      assertEquals(1, r.steps(), name);
      stepErrors(name, k.weights(), r.weights(), frozen).forEach((key, err) -> {
        if (!(err <= 1e-4)) bad.append(String.format(Locale.ROOT, "%s %s: %.3g; ", name, key, err));
      });
    }
    assertEquals("", bad.toString(), "weights whose step differs from Keras' (relative to Keras' step)");
  }

  /** The comparison can fail: the same step from a model whose seed layer differs a little is not Keras' step. */
  @Test
  void aStepFromPerturbedWeightsFailsTheComparison() {
    Map<String, String> seedWeight = Map.of("step_taylor", "taylor.w", "step_prototype", "prototypes.kernel",
        "step_ib_eigh", "conv1.kernel", "step_softexp", "softexp.alpha");
    for (var e : seedWeight.entrySet()) {
      KerasModel k = KerasModel.load(DIR.resolve(e.getKey() + ".keras"));
      Map<String, NpyArray> w = new LinkedHashMap<>(k.weights());
      NpyArray one = w.get(e.getValue());
      float[] v = one.toFloats();
      for (int i = 0; i < v.length; i++) v[i] *= 1.1f;
      w.put(e.getValue(), NpyArray.ofFloats(one.shape(), v));
      TrainResult r = step(e.getKey(), k.model(), w);
      Set<String> frozen = k.model().weights().stream().filter(x -> !x.trainable()).map(WeightSpec::key).collect(Collectors.toSet());
      double worst = stepErrors(e.getKey(), w, r.weights(), frozen).values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      assertTrue(worst > 1e-3, e.getKey() + ": a step from " + e.getValue() + " x 1.1 still matches Keras' step within " + worst);
    }
  }
}
