package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitializerTest {
  @Test
  void glorotUniformStaysWithinItsLimitAndHasItsVariance() {
    long[] shape = {200, 100};
    double[] v = Initializer.glorotUniform().values(shape, new SplittableRandom(1));
    double limit = Math.sqrt(6.0 / 300), var = 0;
    for (double x : v) {
      assertTrue(Math.abs(x) <= limit);
      var += x * x / v.length;
    }
    assertEquals(limit * limit / 3, var, 0.05 * limit * limit / 3);
  }

  @Test
  void heNormalUsesConvFanIn() {
    long[] shape = {3, 3, 16, 32};
    double[] v = Initializer.heNormal().values(shape, new SplittableRandom(2));
    double var = 0;
    for (double x : v) var += x * x / v.length;
    assertEquals(2.0 / (3 * 3 * 16), var, 0.1 * 2.0 / 144);
  }

  @Test
  void seededAndConstant() {
    assertArrayEquals(Initializer.glorotUniform().values(new long[] {4, 4}, new SplittableRandom(3)),
        Initializer.glorotUniform().values(new long[] {4, 4}, new SplittableRandom(3)));
    assertArrayEquals(new double[] {-0.1, -0.1, 0.1, 0.1}, Initializer.rows(new double[] {-0.1, 0.1}).values(new long[] {2, 2}, null));
    assertArrayEquals(new double[] {0, 0}, Initializer.zeros().values(new long[] {2}, null));
  }
}
