package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;
import java.util.SplittableRandom;

/** Small synthetic classification tasks for training proofs (the graph and layers modules' tests). */
public final class Synthetic {
  private Synthetic() {}

  /** n examples of f features in [-1, 1]; class = (x0² + x1 > 0.3 ? 1 : 0) + (x2 > 0 ? 2 : 0). */
  public static Dataset fourClasses(int n, int f, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * f];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) x[i * f + j] = (float) (2 * r.nextDouble() - 1);
      float a = x[i * f], b = x[i * f + 1], c = x[i * f + 2];
      y[i] = (a * a + b > 0.3 ? 1 : 0) + (c > 0 ? 2 : 0);
    }
    return new Dataset(x, y, new long[] {f});
  }

  /** n images [h, w, 1] of 4 textures (horizontal, vertical, diagonal stripes, checkerboard), random phase and noise. */
  public static Dataset textures(int n, int h, int w, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * h * w];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(4);
      int phase = r.nextInt(2);
      for (int a = 0; a < h; a++) {
        for (int b = 0; b < w; b++) {
          int v = switch (y[i]) {
            case 0 -> (a + phase) % 2;
            case 1 -> (b + phase) % 2;
            case 2 -> (a + b + phase) % 4 < 2 ? 1 : 0;
            default -> ((a / 2) + (b / 2) + phase) % 2;
          };
          x[i * h * w + a * w + b] = (float) (0.8 * v + 0.3 * r.nextDouble());
        }
      }
    }
    return new Dataset(x, y, new long[] {h, w, 1});
  }
}
