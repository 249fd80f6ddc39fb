package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.layers.keras.transfer.KerasPreprocessing;
import dev.tfgraph.layers.keras.transfer.KerasTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One training step from a Keras file equals Keras' own step (testdata/keras/gen_train_step.py: Keras 3.15.1,
 * SGD 0.1, sparse categorical cross-entropy, the whole batch of 16): for every weight, moving statistics
 * included, max |Δw_tfgraph − Δw_keras| ≤ 1e-4 · max |Δw_keras|.
 */
class KerasTrainStepTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "train");

  static TrainResult step(Model m, Map<String, NpyArray> w) {
    return step("step_cnn", m, w);
  }

  static TrainResult step(String name, Model m, Map<String, NpyArray> w) {
    return step(DIR, name, m, w);
  }

  /** One SGD(0.1) step on the whole batch {@code dir/name.x.npy}, {@code name.y.npy} (16 examples), as Keras' fixtures took it. */
  static TrainResult step(Path dir, String name, Model m, Map<String, NpyArray> w) {
    NpyArray x = Npy.read(dir.resolve(name + ".x.npy"));
    long[] y64 = Npy.read(dir.resolve(name + ".y.npy")).toLongs();
    int[] y = new int[y64.length];
    for (int i = 0; i < y.length; i++) y[i] = Math.toIntExact(y64[i]);
    Dataset d = new Dataset(x.toFloats(), y, java.util.Arrays.copyOfRange(x.shape(), 1, x.shape().length));
    TrainOptions.Builder o = TrainOptions.builder();
    o.optimizer(Optimizer.Config.of("sgd", 0.1));
    o.batchSize(16);
    o.epochs(1);
    o.shuffle(false);
    o.progress(false);
    o.threads(1);
    try (Trainer t = new Trainer(m, o.build())) {
      return t.fit(d, null, null, w);
    }
  }

  @Test
  void oneStepEqualsKerasForEveryWeightMovingStatisticsIncluded() {
    KerasModel k = KerasModel.load(DIR.resolve("step_cnn.keras"));
    TrainResult r = step(k.model(), k.weights());
    assertEquals(1, r.steps());
    Map<String, NpyArray> after = Npz.read(DIR.resolve("step_cnn.after.npz"));
    assertEquals(after.keySet(), k.weights().keySet());
    assertEquals(18, after.size());
    assertEquals("", beyond(stepErrors(k.weights(), after, r.weights(), java.util.Set.of(), "step_cnn")), "weights whose step differs from Keras'");
  }

  /**
   * For each weight, max |Δw_tfgraph − Δw_keras| / max |Δw_keras|; every weight must move in Keras' step, except the
   * {@code kept} ones, which must stay exactly as they were in both.
   */
  static Map<String, Double> stepErrors(Map<String, NpyArray> before, Map<String, NpyArray> after, Map<String, NpyArray> got,
      java.util.Set<String> kept, String what) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (String key : after.keySet()) {
      float[] b = before.get(key).toFloats(), want = after.get(key).toFloats(), have = got.get(key).toFloats();
      if (kept.contains(key)) {
        assertTrue(java.util.Arrays.equals(b, want), what + " " + key + " stays in Keras' step");
        assertTrue(java.util.Arrays.equals(b, have), what + " " + key + " stays in tfgraph's step");
        continue;
      }
      double diff = 0, scale = 0;
      for (int i = 0; i < want.length; i++) {
        double dk = (double) want[i] - b[i], dt = (double) have[i] - b[i];
        diff = Math.max(diff, Math.abs(dt - dk));
        scale = Math.max(scale, Math.abs(dk));
      }
      assertTrue(scale > 1e-4, what + " " + key + " moves in Keras' step");
      out.put(key, diff / scale);
    }
    return out;
  }

  /** The weights whose error is past 1e-4, "" when none. */
  static String beyond(Map<String, Double> errors) {
    StringBuilder bad = new StringBuilder();
    errors.forEach((k, e) -> {
      if (e > 1e-4) bad.append(String.format(java.util.Locale.ROOT, "%s: %.3g; ", k, e));
    });
    return bad.toString();
  }

  /**
   * A trainable base model called with training=False: its BatchNormalization normalises with, and keeps, its moving
   * statistics while gamma, beta and every other weight take Keras' step (step_nested, the step taken with training=False).
   */
  @Test
  void aBaseCalledWithTrainingFalseKeepsItsStatisticsAndTrainsItsWeights() {
    KerasModel k = KerasModel.load(DIR.resolve("step_nested.keras"));
    TrainResult r = step("step_nested", k.model(), k.weights());
    Map<String, NpyArray> after = Npz.read(DIR.resolve("step_nested.after.npz"));
    assertEquals(after.keySet(), k.weights().keySet());
    assertEquals("", beyond(stepErrors(k.weights(), after, r.weights(), java.util.Set.of("b_bn.moving_mean", "b_bn.moving_variance"),
        "step_nested")), "weights whose step differs from Keras'");
  }

  @Test
  void frozenLayersKeepTheirWeightsAndBatchNormalizationItsStatistics() {
    Path file = DIR.resolve("step_cnn.keras");
    KerasModel k = KerasModel.load(file);
    Model m = KerasTraining.freeze(k, file, List.of("bn_conv", "fc"), "freeze_layers");
    List<String> frozen = m.weights().stream().filter(w -> !w.trainable()).map(WeightSpec::key).toList();
    assertTrue(frozen.containsAll(List.of("bn_conv.gamma", "bn_conv.beta", "fc.kernel")) && !frozen.contains("conv.kernel"), frozen.toString());
    TrainResult r = step(m, k.weights());
    for (String key : List.of("bn_conv.gamma", "bn_conv.moving_mean", "bn_conv.moving_variance", "fc.kernel")) {
      assertEquals(java.util.Arrays.toString(k.weights().get(key).toFloats()), java.util.Arrays.toString(r.weights().get(key).toFloats()), key);
    }
    assertFalse(java.util.Arrays.equals(k.weights().get("conv.kernel").toFloats(), r.weights().get("conv.kernel").toFloats()));

    Model to = KerasTraining.freezeTo(k, file, "conv2", "freeze_to");
    List<String> frozenTo = to.weights().stream().filter(w -> !w.trainable()).map(WeightSpec::key).toList();
    assertTrue(frozenTo.containsAll(List.of("conv.kernel", "conv.bias", "bn_conv.gamma", "conv2.kernel")), frozenTo.toString());
    assertFalse(frozenTo.contains("bn_conv2.gamma") || frozenTo.contains("head.kernel"), frozenTo.toString());
    assertEquals(List.of("image", "conv", "bn_conv", "conv2", "bn_conv2", "relu2", "flat", "fc", "bn_fc", "tanh", "head"),
        KerasTraining.layerOrder(file));

    var e = assertThrows(BadInputException.class, () -> KerasTraining.freeze(k, file, List.of("conv", "nope", "neither"), "freeze_layers"));
    assertTrue(e.getMessage().startsWith("freeze_layers: no layer named nope, neither in ") && e.getMessage().contains("bn_fc"), e.getMessage());
    var t = assertThrows(BadInputException.class, () -> KerasTraining.freezeTo(k, file, "nope", "freeze_to"));
    assertTrue(t.getMessage().contains("freeze_to: no top-level layer named nope") && t.getMessage().contains("conv, bn_conv"), t.getMessage());
  }

  /** --preprocess raw255: the model on x / 255 predicts what the file's model predicts on x; caffe puts ImagePreprocessing first. */
  @Test
  void preprocessingPutsItsLayerFirstAndKeepsTheWeights() throws Exception {
    KerasModel k = KerasModel.load(DIR.resolve("step_cnn.keras"));
    float[] x = Npy.read(DIR.resolve("step_cnn.x.npy")).toFloats();
    float[] scaled = new float[x.length];
    for (int i = 0; i < x.length; i++) scaled[i] = x[i] / 255f;
    Model raw = KerasPreprocessing.preprocess(k.model(), "raw255", "preprocess");
    assertEquals(k.model().weights().stream().map(WeightSpec::key).toList(), raw.weights().stream().map(WeightSpec::key).toList());
    float[] want, got;
    try (dev.tfgraph.graph.runtime.ModelRuntime rt = dev.tfgraph.graph.runtime.ModelRuntime.inference(k.model())) {
      rt.setWeights(k.weights());
      want = rt.predict(List.of(x), 16, 16);
    }
    try (dev.tfgraph.graph.runtime.ModelRuntime rt = dev.tfgraph.graph.runtime.ModelRuntime.inference(raw)) {
      rt.setWeights(k.weights());
      got = rt.predict(List.of(scaled), 16, 16);
    }
    double max = 0;
    for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
    assertTrue(max <= 1e-5, "raw255 on x/255 vs the file's model on x: " + max);
    var layers = new com.fasterxml.jackson.databind.ObjectMapper().readTree(KerasModel.formatTwo(
        KerasPreprocessing.preprocess(k.model(), "caffe", "preprocess"))).get("layers");
    assertEquals("ImagePreprocessing", layers.get(0).get("type").asText());
    assertEquals("[\"preprocess\"]", layers.get(1).get("inbound").toString());
    assertTrue(KerasPreprocessing.preprocess(k.model(), "none", "preprocess") == k.model());
    var e = assertThrows(BadInputException.class, () -> KerasPreprocessing.preprocess(k.model(), "vgg", "preprocess"));
    assertTrue(e.getMessage().startsWith("preprocess must be one of caffe, torch, tf, raw255, none"), e.getMessage());
  }
}
