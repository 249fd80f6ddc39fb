package dev.tfgraph.layers;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.preprocessing.RandomCrop;
import dev.tfgraph.layers.preprocessing.RandomFlip;
import dev.tfgraph.layers.reshaping.Flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.testkit.LayerCheck;
import dev.tfgraph.testkit.LayerGraph;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat64;

class RandomCropTest {
  static final int N = 300, H = 5, W = 6, C = 2, CH = 3, CW = 2;

  static float[] input() {
    float[] x = new float[N * H * W * C];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return x;
  }

  static float[] run(long layerSeed, boolean training, long step) {
    RandomCrop f = new RandomCrop("c", CH, CW, layerSeed, true);
    f.build(Shape.of(-1, H, W, C));
    return StepRun.run(f, input(), new long[] {N, H, W, C}, training, step);
  }

  static float[] window(float[] x, int b, int top, int left) {
    float[] e = new float[CH * CW * C];
    for (int i = 0; i < CH; i++) {
      for (int j = 0; j < CW; j++) {
        for (int c = 0; c < C; c++) e[(i * CW + j) * C + c] = x[((b * H + top + i) * W + left + j) * C + c];
      }
    }
    return e;
  }

  /** Each example's window position top·W + left; fails if an output example is no window of its input. */
  static int[] positions(float[] y) {
    float[] x = input();
    int size = CH * CW * C;
    int[] pos = new int[N];
    for (int b = 0; b < N; b++) {
      float[] got = Arrays.copyOfRange(y, b * size, (b + 1) * size);
      pos[b] = -1;
      for (int t = 0; t <= H - CH; t++) {
        for (int l = 0; l <= W - CW; l++) if (Arrays.equals(got, window(x, b, t, l))) pos[b] = t * W + l;
      }
      assertTrue(pos[b] >= 0, "example " + b + " is not a " + CH + "×" + CW + " window of its input");
    }
    return pos;
  }

  @Test
  void inferenceIsTheCentralWindowGolden() {
    for (String c : new String[] {"random_crop", "random_crop_odd"}) {
      LayerHarness.checkForward32(c);
      LayerHarness.checkGradients64(c, false);
    }
    float[] y = run(0, false, 0), x = input();
    for (int b = 0; b < N; b++) {
      assertArrayEquals(window(x, b, (H - CH) / 2, (W - CW) / 2), Arrays.copyOfRange(y, b * CH * CW * C, (b + 1) * CH * CW * C));
    }
  }

  @Test
  void trainingTakesEveryWindowPositionAboutEquallyOften() {
    int[] count = new int[H * W];
    for (int p : positions(run(0, true, 3))) count[p]++;
    int places = (H - CH + 1) * (W - CW + 1);   // 15: 20 expected each
    for (int t = 0; t <= H - CH; t++) {
      for (int l = 0; l <= W - CW; l++) {
        int k = count[t * W + l];
        assertTrue(k >= 5 && k <= 45, "window (" + t + ", " + l + ") taken " + k + " times of " + N + " (" + places + " places)");
      }
    }
  }

  @Test
  void windowsAreAFunctionOfSeedStepAndExample() {
    assertArrayEquals(run(0, true, 5), run(0, true, 5));
    assertFalse(Arrays.equals(positions(run(0, true, 5)), positions(run(0, true, 6))), "another step, other windows");
    assertFalse(Arrays.equals(positions(run(0, true, 5)), positions(run(2, true, 5))), "another layer seed, other windows");
  }

  @Test
  void gradientsFlowThroughTheWindowInTraining() {
    long[] xShape = {5, 4, 5, 2};
    try (LayerGraph h = new LayerGraph(new RandomCrop("c", 2, 3), Shape.of(-1, 4, 5, 2), xShape, TFloat64.class, true)) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(4);
      double[] x = r.doubles(5 * 40).toArray();
      double[] g = r.doubles(5 * 12).map(v -> 2 * v - 1).toArray();
      double[] dx = h.gradients(x, g).get("x");
      double[] y = h.forward(x);
      double gy = 0, dxx = 0;
      int nonzero = 0;
      for (int i = 0; i < y.length; i++) gy += g[i] * y[i];
      for (int i = 0; i < x.length; i++) {
        dxx += dx[i] * x[i];
        if (dx[i] != 0) nonzero++;
      }
      assertEquals(gy, dxx, 1e-12, "a selection: Σ g·y = Σ dx·x");
      assertEquals(g.length, nonzero, "each output's gradient lands on exactly one input");
      for (int k = 0; k < 3; k++) {
        double[] fd = h.directional(x, g, dx, LayerGraph.direction(x.length, xShape, 10 + k, false), 1e-6);
        LayerGraph.assertClose(new double[] {fd[0]}, new double[] {fd[1]}, 1e-8, "finite difference " + k);
      }
    }
  }

  /** Augmentation layers in a real training graph: they train, and the model still evaluates (inference path). */
  @Test
  void randomFlipAndCropTrainInAModel() {
    dev.tfgraph.graph.model.Model m = dev.tfgraph.graph.model.Model.builder("aug", "x", 6, 6, 1)
        .add(new RandomFlip("flip", "horizontal_and_vertical")).add(new RandomCrop("crop", 4, 4))
        .add(new Flatten("flat")).add(new Dense("head", 4, "softmax")).build();
    dev.tfgraph.graph.data.Dataset d = Synthetic.textures(128, 6, 6, 2);
    dev.tfgraph.graph.train.TrainOptions.Builder o = dev.tfgraph.graph.train.TrainOptions.builder();
    o.epochs(2);
    o.batchSize(32);
    o.progress(false);
    try (dev.tfgraph.graph.train.Trainer t = new dev.tfgraph.graph.train.Trainer(m, o.build())) {
      var r = t.fit(d, null, d, null);
      assertTrue(Double.isFinite(r.history().get(1).trainLoss()), r.history().toString());
    }
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'RandomCrop', 'name': 'c', 'height': 3, 'width': 2, 'seed': 9}", 4, 4, 3);
    Configs.roundTrip("{'type': 'RandomCrop', 'name': 'c', 'height': 4, 'width': 4}", 4, 4, 1);
    Configs.specRoundTrip("{'type': 'RandomCrop', 'name': 'c', 'height': 2, 'width': 3}", 4, 5, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'width': 2}", "RandomCrop 'c'", "height");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 0, 'width': 2}", "RandomCrop 'c'", "height",
        "a positive integer", "received 0");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 2, 'width': 'wide'}", "RandomCrop 'c'", "width", "\"wide\"");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 2, 'width': 2, 'size': 2}", "unknown key", "size");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 5, 'width': 2}", new long[] {4, 4, 3}, "RandomCrop 'c'",
        "at least height × width = 5 × 2", "4 × 4");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 2, 'width': 9}", new long[] {4, 8, 3}, "RandomCrop 'c'",
        "2 × 9", "4 × 8");
    Configs.rejects("{'type': 'RandomCrop', 'name': 'c', 'height': 2, 'width': 2}", new long[] {16}, "RandomCrop 'c'", "rank 4");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'RandomCrop', 'name': 'c', 'height': 2147483647, 'width': 2}", new long[] {4, 4, 1},
        "RandomCrop 'c'", "height", "<= 65536", "2147483647");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new RandomCrop("c", 2, 2), 3, 4, 2).check();
  }
}
