package dev.tfgraph.layers.prototype;

import dev.tfgraph.graph.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded choice of prototype rows per class: random rows, or k-means centroids (Lloyd). */
final class PrototypeSelection {
  private final long seed;

  PrototypeSelection(long seed) {
    this.seed = seed;
  }

  private static List<List<Integer>> byClass(int n, int[] y, int classes, int k) {
    List<List<Integer>> rows = new ArrayList<>();
    for (int c = 0; c < classes; c++) rows.add(new ArrayList<>());
    for (int i = 0; i < n; i++) rows.get(y[i]).add(i);
    for (int c = 0; c < classes; c++) {
      if (rows.get(c).size() < k) {
        throw new BadInputException("PrototypeKernel adapt: class " + c + " has " + rows.get(c).size()
            + " examples, expected at least " + k + " (prototypes per class)");
      }
    }
    return rows;
  }

  /** k distinct rows per class, class-major: rows c·k .. c·k + k − 1 belong to class c. */
  double[] random(float[] x, int n, int f, int[] y, int classes, int k) {
    List<List<Integer>> rows = byClass(n, y, classes, k);
    double[] out = new double[classes * k * f];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int c = 0; c < classes; c++) {
      List<Integer> r = new ArrayList<>(rows.get(c));
      for (int j = 0; j < k; j++) {
        int pick = j + rng.nextInt(r.size() - j);
        java.util.Collections.swap(r, j, pick);
        copy(x, r.get(j), f, out, (c * k + j) * f);
      }
    }
    return out;
  }

  /** k-means per class (20 Lloyd iterations from seeded random rows); empty clusters keep their centre. */
  double[] kmeans(float[] x, int n, int f, int[] y, int classes, int k) {
    double[] centres = random(x, n, f, y, classes, k);
    List<List<Integer>> rows = byClass(n, y, classes, k);
    for (int c = 0; c < classes; c++) {
      int base = c * k * f;
      for (int it = 0; it < 20; it++) {
        double[] sum = new double[k * f];
        int[] count = new int[k];
        for (int i : rows.get(c)) {
          int best = 0;
          double bd = Double.POSITIVE_INFINITY;
          for (int j = 0; j < k; j++) {
            double d = 0;
            for (int t = 0; t < f; t++) {
              double e = x[i * f + t] - centres[base + j * f + t];
              d += e * e;
            }
            if (d < bd) {
              bd = d;
              best = j;
            }
          }
          count[best]++;
          for (int t = 0; t < f; t++) sum[best * f + t] += x[i * f + t];
        }
        for (int j = 0; j < k; j++) {
          if (count[j] == 0) continue;
          for (int t = 0; t < f; t++) centres[base + j * f + t] = sum[j * f + t] / count[j];
        }
      }
    }
    return centres;
  }

  static double[] std(float[] x, int n, int f, double floor) {
    double[] mean = new double[f], out = new double[f];
    for (int i = 0; i < n; i++) for (int t = 0; t < f; t++) mean[t] += x[i * f + t];
    for (int t = 0; t < f; t++) mean[t] /= n;
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < f; t++) {
        double e = x[i * f + t] - mean[t];
        out[t] += e * e;
      }
    }
    for (int t = 0; t < f; t++) out[t] = Math.max(Math.sqrt(out[t] / n), floor);
    return out;
  }

  private static void copy(float[] x, int row, int f, double[] out, int off) {
    for (int t = 0; t < f; t++) out[off + t] = x[row * f + t];
  }
}
