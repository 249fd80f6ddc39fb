package dev.tfgraph.layers;

import dev.tfgraph.layers.preprocessing.RandomFlip;
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

class RandomFlipTest {
  static final int N = 400, H = 2, W = 3, C = 2, SIZE = H * W * C;

  /** N examples of distinct values, so each output example is identified as a flip of its input. */
  static float[] input() {
    float[] x = new float[N * SIZE];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return x;
  }

  static float[] run(String mode, long layerSeed, boolean training, long step) {
    RandomFlip f = new RandomFlip("f", mode, layerSeed, true);
    f.build(Shape.of(-1, H, W, C));
    return StepRun.run(f, input(), new long[] {N, H, W, C}, training, step);
  }

  /** Example b of x, flipped along height and/or width. */
  static float[] example(float[] x, int b, boolean flipH, boolean flipV) {
    float[] e = new float[SIZE];
    for (int i = 0; i < H; i++) {
      for (int j = 0; j < W; j++) {
        for (int c = 0; c < C; c++) {
          int si = flipV ? H - 1 - i : i, sj = flipH ? W - 1 - j : j;
          e[(i * W + j) * C + c] = x[b * SIZE + (si * W + sj) * C + c];
        }
      }
    }
    return e;
  }

  /** For each example, which of (none, horizontal, vertical, both) it is; fails if none fits. */
  static int[] flips(String mode, float[] y) {
    float[] x = input();
    int[] kind = new int[N];
    for (int b = 0; b < N; b++) {
      float[] got = Arrays.copyOfRange(y, b * SIZE, (b + 1) * SIZE);
      kind[b] = -1;
      for (int k = 0; k < 4; k++) {
        if (Arrays.equals(got, example(x, b, (k & 1) != 0, (k & 2) != 0))) kind[b] = k;
      }
      assertTrue(kind[b] >= 0, "example " + b + " is neither the input nor one of its mirrors");
      if (mode.equals("horizontal")) assertTrue(kind[b] <= 1, "horizontal mode flipped example " + b + " vertically");
      if (mode.equals("vertical")) assertTrue(kind[b] == 0 || kind[b] == 2, "vertical mode flipped example " + b + " horizontally");
    }
    return kind;
  }

  @Test
  void inferenceIsIdentityGolden() {
    LayerHarness.checkForward32("random_flip");
    LayerHarness.checkGradients64("random_flip", false);
    assertArrayEquals(input(), run("horizontal_and_vertical", 0, false, 0));
  }

  @Test
  void trainingFlipsEachAxisOfAboutHalfTheExamples() {
    for (String mode : RandomFlip.MODES) {
      int[] kind = flips(mode, run(mode, 0, true, 3));
      int[] count = new int[4];
      for (int k : kind) count[k]++;
      if (!mode.equals("vertical")) {
        double h = (count[1] + count[3]) / (double) N;
        assertTrue(Math.abs(h - 0.5) < 0.1, mode + ": horizontally flipped fraction " + h);
      }
      if (!mode.equals("horizontal")) {
        double v = (count[2] + count[3]) / (double) N;
        assertTrue(Math.abs(v - 0.5) < 0.1, mode + ": vertically flipped fraction " + v);
      }
      if (mode.equals("horizontal_and_vertical")) for (int k = 0; k < 4; k++) assertTrue(count[k] > 0, "no example of kind " + k);
    }
  }

  @Test
  void flipsAreAFunctionOfSeedStepAndExample() {
    String m = "horizontal_and_vertical";
    assertArrayEquals(run(m, 0, true, 5), run(m, 0, true, 5));
    assertFalse(Arrays.equals(flips(m, run(m, 0, true, 5)), flips(m, run(m, 0, true, 6))), "another step, other flips");
    assertFalse(Arrays.equals(flips(m, run(m, 0, true, 5)), flips(m, run(m, 1, true, 5))), "another layer seed, other flips");
    int[] both = flips(m, run(m, 0, true, 5));
    int[] horizontal = flips("horizontal", run("horizontal", 0, true, 5));
    for (int b = 0; b < N; b++) assertEquals(both[b] & 1, horizontal[b], "one draw per example per axis");
  }

  @Test
  void gradientsFlowThroughTheFlipInTraining() {
    long[] xShape = {6, 3, 4, 2};
    try (LayerGraph h = new LayerGraph(new RandomFlip("f", "horizontal_and_vertical"), Shape.of(-1, 3, 4, 2), xShape,
        TFloat64.class, true)) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(4);
      double[] x = r.doubles(6 * 24).toArray();
      double[] g = r.doubles(6 * 24).map(v -> 2 * v - 1).toArray();
      double[] dx = h.gradients(x, g).get("x");
      double[] y = h.forward(x);
      double gy = 0, dxx = 0;
      for (int i = 0; i < x.length; i++) {
        gy += g[i] * y[i];
        dxx += dx[i] * x[i];
      }
      assertEquals(gy, dxx, 1e-12, "a permutation: Σ g·y = Σ dx·x");
      double[] sorted = dx.clone(), gs = g.clone();
      Arrays.sort(sorted);
      Arrays.sort(gs);
      assertArrayEquals(gs, sorted, "dx is a permutation of g");
      for (int k = 0; k < 3; k++) {
        double[] fd = h.directional(x, g, dx, LayerGraph.direction(x.length, xShape, 10 + k, false), 1e-6);
        LayerGraph.assertClose(new double[] {fd[0]}, new double[] {fd[1]}, 1e-8, "finite difference " + k);
      }
    }
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'RandomFlip', 'name': 'f', 'mode': 'horizontal', 'seed': 9}", 4, 4, 3);
    Configs.roundTrip("{'type': 'RandomFlip', 'name': 'f', 'mode': 'vertical'}", 4, 5, 1);
    Configs.specRoundTrip("{'type': 'RandomFlip', 'name': 'f', 'mode': 'horizontal_and_vertical'}", 4, 4, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'RandomFlip', 'name': 'f', 'mode': 'diagonal'}", "RandomFlip 'f'", "mode", "diagonal", "horizontal");
    Configs.rejects("{'type': 'RandomFlip', 'name': 'f'}", "RandomFlip 'f'", "mode");
    Configs.rejects("{'type': 'RandomFlip', 'name': 'f', 'mode': 'vertical', 'seed': 1.5}", "RandomFlip 'f'", "seed");
    Configs.rejects("{'type': 'RandomFlip', 'name': 'f', 'mode': 'vertical', 'rate': 0.5}", "unknown key", "rate");
    Configs.rejects("{'type': 'RandomFlip', 'name': 'f', 'mode': 'vertical'}", new long[] {12}, "RandomFlip 'f'",
        "rank 4", "[batch, height, width, channels]");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new RandomFlip("f", "horizontal"), 3, 2, 2).check();
  }
}
