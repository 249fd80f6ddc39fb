package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class SwishTest {
  @Test
  void passesLayerCheck() {
    // Config round trip through the registry, float64 gradients of x and β against finite
    // differences, export and reload with equal outputs.
    LayerCheck.of(new Swish("swish", 0.7), 6).check();
  }

  /** The per-example values of a user's loss or metric on a batch of float32 outputs [n, k] and labels, by its graph ops. */
  static float[] perExample(java.util.function.BiFunction<org.tensorflow.op.Ops, org.tensorflow.Operand<org.tensorflow.types.TFloat32>,
      org.tensorflow.Operand<org.tensorflow.types.TFloat32>> f, float[] out, int k) {
    try (org.tensorflow.Graph g = new org.tensorflow.Graph(); org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var pred = tf.constant(org.tensorflow.ndarray.Shape.of(out.length / k, k), org.tensorflow.ndarray.buffer.DataBuffers.of(out, true, false));
      try (var r = s.runner().fetch(f.apply(tf, pred)).run()) {
        var t = (org.tensorflow.types.TFloat32) r.get(0);
        float[] v = new float[out.length / k];
        for (int i = 0; i < v.length; i++) v[i] = t.getFloat(i);
        return v;
      }
    }
  }

  /** log softmax(z)_y of one example, in double: the test's own formula. */
  static double logSoftmax(float[] z, int off, int k, int y) {
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int c = 0; c < k; c++) max = Math.max(max, z[off + c]);
    for (int c = 0; c < k; c++) sum += Math.exp(z[off + c] - max);
    return z[off + y] - max - Math.log(sum);
  }

  /** The user's loss: at γ = 0 it would be cross-entropy; with γ = 2 a confident right answer costs far less. */
  @Test
  void focalLossDownWeightsEasyExamples() {
    FocalLoss f = new FocalLoss();
    float[] logits = {4, 0, 0, 0.1f, 0, 0};
    int[] labels = {0, 0};
    float[] got = perExample((tf, pred) -> f.perExample(tf, pred, tf.constant(labels), true), logits, 3);
    for (int i = 0; i < 2; i++) {
      double logp = logSoftmax(logits, 3 * i, 3, labels[i]);
      assertEquals(-Math.pow(1 - Math.exp(logp), 2) * logp, got[i], 1e-6, "example " + i);
    }
    double ceEasy = -Math.log(Math.exp(4) / (Math.exp(4) + 2));
    assertEquals(Math.pow(1 - Math.exp(-ceEasy), 2) * ceEasy, got[0], 1e-6);
    assertEquals(true, got[1] > 100 * got[0]);
    assertEquals(FocalLoss.class, dev.tfgraph.graph.LayerRegistry.losses().get("sparse_focal").getClass());
  }

  /** The user's metric, written once as graph ops: the true class's softmax probability, on logits and on probabilities. */
  @Test
  void trueClassConfidenceIsTheTrueClasssProbability() {
    TrueClassConfidence m = new TrueClassConfidence();
    float[] logits = {2, -1, 0.5f, 0, 3, 1};
    int[] labels = {0, 2};
    float[] got = perExample((tf, pred) -> m.perExample(tf, pred, tf.constant(labels), false), logits, 3);
    for (int i = 0; i < 2; i++) assertEquals(Math.exp(logSoftmax(logits, 3 * i, 3, labels[i])), got[i], 1e-6, "example " + i);
    assertEquals(Math.exp(2) / (Math.exp(2) + Math.exp(-1) + Math.exp(0.5)), got[0], 1e-6);
    float[] probs = perExample((tf, pred) -> m.perExample(tf, pred, tf.constant(new int[] {0}), true), new float[] {0.25f, 0.75f}, 2);
    assertEquals(0.25, probs[0], 1e-9);
    assertEquals(TrueClassConfidence.class, dev.tfgraph.graph.metric.Metrics.get("true_class_confidence",
        dev.tfgraph.graph.loss.Losses.get("sparse_categorical_crossentropy", 0)).getClass());
  }

  /** The user's optimizer, chosen by name: one step moves every weight by exactly lr against its gradient's sign (or not at all). */
  @Test
  void signSgdMovesEachWeightByTheLearningRate() {
    Model m = Model.builder("lin", "x", 3).add(new dev.tfgraph.layers.core.Dense("fc", 2, "softmax")).build();
    dev.tfgraph.graph.train.TrainOptions o = dev.tfgraph.graph.train.TrainOptions.builder()
        .optimizer(dev.tfgraph.graph.optim.Optimizer.Config.of("sign_sgd", 0.25)).maxSteps(1).batchSize(4).progress(false).build();
    dev.tfgraph.graph.data.Dataset d = new dev.tfgraph.graph.data.Dataset(new float[] {1, 2, 3, -1, 0.5f, 2, 0, 1, -2, 3, 1, 1},
        new int[] {0, 1, 1, 0}, new long[] {3});
    java.util.Map<String, dev.tfgraph.graph.io.NpyArray> start;
    try (dev.tfgraph.graph.runtime.ModelRuntime g = dev.tfgraph.graph.runtime.ModelRuntime.inference(m)) {
      start = g.initialValues(3);
    }
    java.util.Map<String, dev.tfgraph.graph.io.NpyArray> after;
    try (dev.tfgraph.graph.train.Trainer t = new dev.tfgraph.graph.train.Trainer(m, o)) {
      after = t.fit(d, null, null, start).weights();
    }
    int moved = 0;
    for (String k : start.keySet()) {
      float[] a = start.get(k).toFloats(), b = after.get(k).toFloats();
      for (int i = 0; i < a.length; i++) {
        double step = Math.abs(b[i] - a[i]);
        assertEquals(true, step == 0 || Math.abs(step - 0.25) < 1e-6, k + "[" + i + "] moved by " + step);
        if (step > 0) moved++;
      }
    }
    assertEquals(true, moved > 0, "sign_sgd moved no weight");
  }

  @Test
  void loadsFromASpecWithTheUsersActivation() {
    String spec = """
        {"name": "m", "input": {"name": "x", "shape": [null, 4], "dtype": "float32"},
         "layers": [{"type": "Dense", "name": "fc", "units": 3, "activation": "mish"},
                    {"type": "Swish", "name": "s", "beta_init": 0.5}]}""";
    Model m = Model.fromConfig(spec);
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
  }

  /** A Keras model with a custom layer registered as MyPkg>Swish (written by Keras 3.15.1): imports through kerasNames(), predicts as Keras. */
  @Test
  void importsAKerasModelWithTheKerasSideOfSwish() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(SwishTest.class.getResource("/keras/custom_user.keras").toURI()).getParent();
    dev.tfgraph.layers.keras.KerasModel k = dev.tfgraph.layers.keras.KerasModel.load(dir.resolve("custom_user.keras"));
    assertEquals("Swish", k.model().layer("swish").type());
    float[] x = dev.tfgraph.graph.io.Npy.read(dir.resolve("custom_user.x.npy")).toFloats();
    float[] want = dev.tfgraph.graph.io.Npy.read(dir.resolve("custom_user.y.npy")).toFloats();
    try (dev.tfgraph.graph.runtime.ModelRuntime rt = dev.tfgraph.graph.runtime.ModelRuntime.inference(k.model())) {
      rt.setWeights(k.weights());
      float[] got = rt.predict(java.util.List.of(x), 5, 64);
      double max = 0, scale = 0;
      for (int i = 0; i < want.length; i++) {
        max = Math.max(max, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      assertEquals(true, max <= 1e-4 * scale, "max |got - want| = " + max + ", scale " + scale);
    }
  }
}
