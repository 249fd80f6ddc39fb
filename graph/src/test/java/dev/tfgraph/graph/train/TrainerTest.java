package dev.tfgraph.graph.train;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.TestLayers.Center;
import dev.tfgraph.graph.TestLayers.Noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: optimizers, resuming, failures, schedules. */
public class TrainerTest {
  /** A kernel and bias, seeded noise (a dropout's stand-in), a non-trainable weight moved in training, a softmax head. */
  public static Model mlp() {
    return Model.builder("mlp", "x", 6).add(new Affine("fc", 16, "relu", true)).add(new Noise("drop", true))
        .add(new Center("center", true)).add(new Affine("head", 4, "softmax", true)).build();
  }

  public static TrainOptions.Builder options(int epochs) {
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(epochs);
    o.batchSize(32);
    o.progress(false);
    o.threads(1);
    o.seed(7);
    return o;
  }

  /** AdamW is Adam after the decoupled decay v ← v − lr·wd·v: one step from the same start differs by exactly that. */
  @Test
  void adamwDecaysTheWeightsBeforeAdamsStep() {
    Dataset d = Synthetic.fourClasses(32, 6, 5);
    Map<String, NpyArray> start;
    try (ModelRuntime g = ModelRuntime.inference(mlp())) {
      start = g.initialValues(4);
    }
    Map<String, NpyArray>[] after = new Map[2];
    String[] kinds = {"adam", "adamw"};
    for (int k = 0; k < 2; k++) {
      TrainOptions.Builder o = TrainOptions.builder();
      o.optimizer(new Optimizer.Config(kinds[k], 0.01, 0.9, 0.9, 0.999, 1e-7, 0, k == 0 ? 0 : 0.1));
      o.batchSize(32);
      o.maxSteps(1);
      o.threads(1);
      o.progress(false);
      try (Trainer t = new Trainer(mlp(), o.build())) {
        after[k] = t.fit(d, null, null, start).weights();
      }
    }
    assertTrue(mlp().weights().stream().anyMatch(w -> !w.trainable()), "the model has a non-trainable weight");
    for (var w : mlp().weights()) {
      String key = w.key();
      float[] w0 = start.get(key).toFloats(), adam = after[0].get(key).toFloats(), adamw = after[1].get(key).toFloats();
      if (!w.trainable()) {   // a moving mean is no parameter: never decayed
        assertArrayEquals(adam, adamw, key);
        continue;
      }
      for (int i = 0; i < w0.length; i++) {
        assertEquals(-0.01 * 0.1 * w0[i], (double) adamw[i] - adam[i], 1e-6, key + "[" + i + "]");
      }
    }
    assertThrows(BadInputException.class, () -> new Optimizer.Config("adam", 0.01, 0.9, 0.9, 0.999, 1e-7, 0, 0.1));
  }

  /** Nesterov's first step from zero momentum moves each weight by lr·(1 + μ)·g: exactly (1 + μ) times SGD's step. */
  @Test
  void nesterovsFirstStepIsOnePlusMomentumTimesSgds() {
    Dataset d = Synthetic.fourClasses(32, 6, 5);
    Map<String, NpyArray> start;
    try (ModelRuntime g = ModelRuntime.inference(mlp())) {
      start = g.initialValues(4);
    }
    Map<String, NpyArray>[] after = new Map[2];
    String[] kinds = {"sgd", "nesterov"};
    for (int k = 0; k < 2; k++) {
      TrainOptions.Builder o = options(1);
      o.optimizer(new Optimizer.Config(kinds[k], 0.05, 0.8, 0.9, 0.999, 1e-7, 0));
      o.maxSteps(1);
      try (Trainer t = new Trainer(mlp(), o.build())) {
        after[k] = t.fit(d, null, null, start).weights();
      }
    }
    for (var w : mlp().weights()) {
      if (!w.trainable()) continue;
      float[] w0 = start.get(w.key()).toFloats(), sgd = after[0].get(w.key()).toFloats(), nes = after[1].get(w.key()).toFloats();
      for (int i = 0; i < w0.length; i++) {
        assertEquals(1.8 * ((double) sgd[i] - w0[i]), (double) nes[i] - w0[i], 1e-6, w.key() + "[" + i + "]");
      }
    }
  }

  @Test
  void lossDecreasesOnATinySet() {
    Dataset d = Synthetic.fourClasses(256, 6, 1);
    try (Trainer t = new Trainer(mlp(), options(20).optimizer(Optimizer.Config.of("adam", 0.01)).build())) {
      TrainResult r = t.fit(d, null, d, null);
      assertTrue(r.history().get(19).trainLoss() < 0.6 * r.history().get(0).trainLoss(), r.history().toString());
      assertEquals(20 * 8, r.steps());
    }
  }

  /** The same in float64: weights and Adam's slots are checkpointed and restored as float64, not through float32. */
  @Test
  void resumeContinuesExactlyInFloat64(@TempDir Path dir) {
    String spec = """
        {"name": "mlp64", "input": {"name": "x", "shape": [null, 6], "dtype": "float64"},
         "layers": [{"type": "Affine", "name": "fc", "units": 16, "activation": "tanh"},
                    {"type": "Affine", "name": "head", "units": 4, "activation": "softmax"}]}""";
    Dataset d = Synthetic.fourClasses(200, 6, 2);
    Map<String, NpyArray> straight;
    try (Trainer t = new Trainer(Model.fromConfig(spec), options(2).build())) {
      straight = t.fit(d, null, null, null).weights();
    }
    TrainOptions.Builder first = options(1);
    first.checkpointDir(dir);
    try (Trainer t = new Trainer(Model.fromConfig(spec), first.build())) {
      t.fit(d, null, null, null);
    }
    TrainOptions.Builder second = options(2);
    second.checkpointDir(dir);
    second.resume(true);
    Map<String, NpyArray> resumed;
    try (Trainer t = new Trainer(Model.fromConfig(spec), second.build())) {
      int before = count(t.runtime().graph().graph());
      resumed = t.fit(d, null, null, null).weights();
      assertEquals(before, count(t.runtime().graph().graph()), "restoring a checkpoint adds no ops to the graph");
    }
    for (String k : straight.keySet()) assertArrayEquals(straight.get(k).toDoubles(), resumed.get(k).toDoubles(), 0.0, k);
  }

  private static int count(org.tensorflow.Graph g) {
    int n = 0;
    for (var it = g.operations(); it.hasNext(); it.next()) n++;
    return n;
  }

  /** A held-out loss that is not finite ends the run (exit 3), even when the training loss is finite. */
  @Test
  void aNonFiniteHeldOutLossFailsTheRun() {
    Dataset train = Synthetic.fourClasses(64, 6, 1);
    Dataset huge = Synthetic.fourClasses(8, 6, 2);
    java.util.Arrays.fill(huge.x(), 0, 6, 3e38f);       // one example whose activations overflow float32
    try (Trainer t = new Trainer(mlp(), options(1).build())) {
      dev.tfgraph.graph.RunFailedException e = assertThrows(dev.tfgraph.graph.RunFailedException.class, () -> t.fit(train, null, huge, null));
      assertTrue(e.getMessage().contains("non-finite test loss") && e.getMessage().contains("epoch 1"), e.getMessage());
    }
  }

  /** No thread of the library outlives fit (a progress bar's thread once kept the JVM alive for 15 s). */
  @Test
  void noThreadOutlivesFit() {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    Dataset d = Synthetic.fourClasses(64, 6, 1);
    TrainOptions.Builder o = options(2);
    o.progress(true);
    try (Trainer t = new Trainer(mlp(), o.build())) {
      t.fit(d, null, d, null);
    }
    java.util.List<String> left = java.util.List.of();
    for (int i = 0; i < 50; i++) {   // a pool shut down by close() may take a moment to end its threads
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(th -> !before.contains(th) && th.isAlive() && !th.isDaemon()).map(Thread::getName).toList();
      if (left.isEmpty()) break;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertEquals(java.util.List.of(), left, "threads left running 5 s after fit");
  }

  /** With one thread, 2 epochs equal 1 epoch + resume + 1 epoch, weight for weight (seeded noise, shuffling, Adam, a moving mean). */
  @Test
  void resumeContinuesExactly(@TempDir Path dir) {
    Dataset d = Synthetic.fourClasses(200, 6, 2);
    Map<String, NpyArray> straight;
    try (Trainer t = new Trainer(mlp(), options(2).build())) {
      straight = t.fit(d, null, null, null).weights();
    }
    TrainOptions.Builder first = options(1);
    first.checkpointDir(dir);
    try (Trainer t = new Trainer(mlp(), first.build())) {
      t.fit(d, null, null, null);
    }
    TrainOptions.Builder second = options(2);
    second.checkpointDir(dir);
    second.resume(true);
    Map<String, NpyArray> resumed;
    try (Trainer t = new Trainer(mlp(), second.build())) {
      resumed = t.fit(d, null, null, null).weights();
    }
    assertEquals(straight.keySet(), resumed.keySet());
    for (String k : straight.keySet()) assertArrayEquals(straight.get(k).toFloats(), resumed.get(k).toFloats(), k);
  }

  /** Images [8, 8, 1], flattened by the first Affine. */
  static Model smallConv() {
    return Model.builder("img", "x", 8, 8, 1).add(new Affine("fc", 16, "relu", true)).add(new Affine("head", 4, "softmax", true)).build();
  }

  /** --augment flip changes what training sees, and a resumed run still sees the same flips. */
  @Test
  void flipAugmentationChangesTrainingAndResumesExactly(@TempDir Path dir) {
    Dataset d = Synthetic.textures(96, 8, 8, 5);
    TrainOptions.Builder plain = options(2);
    TrainOptions.Builder flip = options(2);
    flip.augment("flip");
    Map<String, NpyArray> a, b;
    try (Trainer t = new Trainer(smallConv(), plain.build())) {
      a = t.fit(d, null, null, null).weights();
    }
    try (Trainer t = new Trainer(smallConv(), flip.build())) {
      b = t.fit(d, null, null, null).weights();
    }
    assertTrue(maxDiff(a, b) > 1e-4, "flipping changed nothing: " + maxDiff(a, b));
    TrainOptions.Builder first = options(1);
    first.augment("flip");
    first.checkpointDir(dir);
    try (Trainer t = new Trainer(smallConv(), first.build())) {
      t.fit(d, null, null, null);
    }
    TrainOptions.Builder second = options(2);
    second.augment("flip");
    second.checkpointDir(dir);
    second.resume(true);
    try (Trainer t = new Trainer(smallConv(), second.build())) {
      assertEquals(0.0, maxDiff(b, t.fit(d, null, null, null).weights()));
    }
    TrainOptions.Builder onVectors = options(1);
    onVectors.augment("flip");
    String msg = assertThrows(BadInputException.class, () -> new Trainer(mlp(), onVectors.build())).getMessage();
    assertTrue(msg.contains("[batch, height, width, channels]") && msg.contains("[None, 6]"), msg);
  }

  static double maxDiff(Map<String, NpyArray> a, Map<String, NpyArray> b) {
    double m = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k).toFloats(), y = b.get(k).toFloats();
      for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  @Test
  void corruptCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
    Dataset d = Synthetic.fourClasses(64, 6, 3);
    TrainOptions.Builder o = options(2);
    o.checkpointDir(dir);
    try (Trainer t = new Trainer(mlp(), o.build())) {
      t.fit(d, null, null, null);
    }
    Path latest = dir.resolve("ckpt-2.npz");
    byte[] b = Files.readAllBytes(latest);
    b[b.length / 2] ^= 0x5a;
    Files.write(latest, b);
    TrainOptions.Builder r = options(3);
    r.checkpointDir(dir);
    r.resume(true);
    try (Trainer t = new Trainer(mlp(), r.build())) {
      TrainResult res = t.fit(d, null, null, null);
      assertEquals(2, res.history().size(), "resumed from epoch 1, ran epochs 2 and 3");
    }
  }

  @Test
  void nonFiniteLossStopsNamingTheStep() {
    Dataset d = Synthetic.fourClasses(64, 6, 4);
    TrainOptions.Builder o = options(1);
    o.optimizer(Optimizer.Config.of("sgd", 1e30));
    Model m = Model.builder("m", "x", 6).add(new Affine("fc", 8, "linear", true)).add(new Affine("head", 4, "softmax", true)).build();
    try (Trainer t = new Trainer(m, o.build())) {
      RunFailedException e = assertThrows(RunFailedException.class, () -> t.fit(d, null, null, null));
      assertTrue(e.getMessage().contains("non-finite loss") && e.getMessage().contains("step"), e.getMessage());
    }
  }

  @Test
  void frozenLayersKeepTheirWeightsBitIdentical() {
    Model m = Model.builder("m", "x", 6).add(new Affine("fc", 8, "relu", false)).add(new Affine("head", 4, "softmax", true)).build();
    Dataset d = Synthetic.fourClasses(64, 6, 5);
    try (Trainer t = new Trainer(m, options(2).build())) {
      Map<String, NpyArray> init = t.runtime().initialValues(7);
      TrainResult r = t.fit(d, null, null, init);
      assertArrayEquals(init.get("fc.kernel").toFloats(), r.weights().get("fc.kernel").toFloats());
      assertTrue(!java.util.Arrays.equals(init.get("head.kernel").toFloats(), r.weights().get("head.kernel").toFloats()));
    }
  }

  @Test
  void weightLoadingIsAllOrNothingAndNamesTheKey() {
    Model m = mlp();
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      Map<String, NpyArray> w = new LinkedHashMap<>(g.initialValues(1));
      g.setWeights(w);
      Map<String, NpyArray> before = g.weights();
      Map<String, NpyArray> missing = new LinkedHashMap<>(w);
      missing.remove("center.mean");
      BadInputException e = assertThrows(BadInputException.class, () -> g.setWeights(missing));
      assertTrue(e.getMessage().contains("center.mean") && e.getMessage().contains("missing"), e.getMessage());
      Map<String, NpyArray> shaped = new LinkedHashMap<>(w);
      shaped.put("fc.kernel", NpyArray.ofFloats(new long[] {16, 6}, new float[96]));
      e = assertThrows(BadInputException.class, () -> g.setWeights(shaped));
      assertTrue(e.getMessage().contains("fc.kernel") && e.getMessage().contains("[16, 6]") && e.getMessage().contains("[6, 16]"), e.getMessage());
      Map<String, NpyArray> extra = new LinkedHashMap<>(w);
      extra.put("fc.gamma", NpyArray.ofFloats(new long[] {1}, new float[1]));
      e = assertThrows(BadInputException.class, () -> g.setWeights(extra));
      assertTrue(e.getMessage().contains("unknown weight") && e.getMessage().contains("fc.gamma"), e.getMessage());
      Map<String, NpyArray> after = g.weights();
      for (String k : before.keySet()) assertArrayEquals(before.get(k).toFloats(), after.get(k).toFloats(), "nothing half-loaded: " + k);
    }
  }

  /** A layer's random draws are a function of (seed, step): the same step repeats its loss, the next step differs. */
  @Test
  void stepSeedReachesARandomLayerEveryStep() {
    Model m = Model.builder("m", "x", 6).add(new Affine("fc", 64, "relu", true)).add(new Noise("drop", true))
        .add(new Affine("head", 4, "softmax", true)).build();
    TrainOptions.Builder o = options(1);
    o.optimizer(Optimizer.Config.of("sgd", 1e-30));   // weights do not move
    Dataset d = Synthetic.fourClasses(32, 6, 8);
    try (Trainer t = new Trainer(m, o.build());
        org.tensorflow.Tensor x = dev.tfgraph.graph.runtime.Tensors.rows(t.runtime().type(), m.input().shape(), d.x(), 0, 32, 6);
        org.tensorflow.types.TInt32 y = dev.tfgraph.graph.runtime.Tensors.labels(d.y(), 0, 32)) {
      t.runtime().initialize(1);
      double l5 = t.steps().runStep(x, y, 5, 1e-30)[0], l6 = t.steps().runStep(x, y, 6, 1e-30)[0], again = t.steps().runStep(x, y, 5, 1e-30)[0];
      assertEquals(l5, again, 0.0);
      assertTrue(l5 != l6, "different steps draw different noise");
    }
  }

  @Test
  void learningRateSchedules() {
    var step = dev.tfgraph.graph.callbacks.Schedules.step(1e-3, 0.5, 2);       // 10 steps an epoch
    assertEquals(1e-3, step.at(19, 10), 1e-15);
    assertEquals(5e-4, step.at(20, 10), 1e-15);
    assertEquals(2.5e-4, step.at(45, 10), 1e-15);
    var cosine = dev.tfgraph.graph.callbacks.Schedules.cosine(1e-3, 10);
    assertEquals(1e-3, cosine.at(0, 10), 1e-15);
    assertEquals(5e-4, cosine.at(50, 10), 1e-15);
    assertEquals(0, cosine.at(100, 10), 1e-15);
    assertEquals(0, cosine.at(130, 10), 1e-15, "past the end: stays at 0");
    // warm-up: 2 of 10 epochs of 4 steps ramp linearly, then the schedule runs over the other 8 epochs
    TrainOptions.Builder wb = TrainOptions.builder();
    wb.epochs(10);
    wb.warmupEpochs(2);
    wb.schedule("cosine");
    wb.optimizer(Optimizer.Config.of("adam", 1e-3));
    TrainOptions w = wb.build();
    assertEquals(1e-3 / 8, w.learningRateAt(0, 4), 1e-18);
    assertEquals(1e-3, w.learningRateAt(7, 4), 1e-18);
    assertEquals(1e-3, w.learningRateAt(8, 4), 1e-18);               // the schedule's first step
    assertEquals(5e-4, w.learningRateAt(8 + 16, 4), 1e-15);          // half way through the scheduled 32 steps
    wb.warmupEpochs(10);
    assertThrows(BadInputException.class, wb::build);
  }

  @Test
  void earlyStoppingNeedsAValidationSplit() {
    TrainOptions.Builder o = options(5);
    o.patience(2);
    assertThrows(BadInputException.class, o::build);
    o.validationSplit(0.2);
    o.epochs(40);
    Dataset clean = Synthetic.fourClasses(200, 6, 6);
    int[] noise = new int[clean.size()];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    for (int i = 0; i < noise.length; i++) noise[i] = rnd.nextInt(4);
    Dataset d = new Dataset(clean.x(), noise, clean.exampleShape());   // random labels: validation loss must rise
    o.optimizer(Optimizer.Config.of("adam", 0.05));
    Model m = Model.builder("m", "x", 6).add(new Affine("fc", 64, "relu", true)).add(new Affine("head", 4, "softmax", true)).build();
    try (Trainer t = new Trainer(m, o.build())) {
      TrainResult r = t.fit(d, null, null, null);
      assertEquals("early_stopping", r.stopReason());
      assertTrue(r.history().size() < 40);
    }
  }
}
