package dev.tfgraph.layers;

import dev.tfgraph.layers.core.ReLU;
import dev.tfgraph.layers.pooling.MaxPooling2D;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tfgraph.testkit.LayerGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

class MaxPooling2DTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("maxpool_2x2");
    LayerHarness.checkForward32("maxpool_3x3_s2_same");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("maxpool_2x2", false);
    LayerHarness.checkGradients64("maxpool_3x3_s2_same", false);
  }

  /**
   * Tied maxima (the zeros after a ReLU): each window's upstream goes to its first maximum in
   * row-major order, in float32 (oneDNN's MaxPool kernels when TF_ENABLE_ONEDNN_OPTS=1, as the
   * launcher and the tests set it) exactly as in float64 (TF's own kernels) and as TF's MaxPoolV2.
   */
  @Test
  void tiedMaximaSendTheGradientToTheFirstOne() {
    long[] shape = {2, 4, 6, 3};
    double[] x = new double[(int) Shape.of(shape).size()];
    double[] up = new double[(int) (shape[0] * 2 * 3 * shape[3])];
    for (int i = 0; i < x.length; i++) x[i] = (i * 7 % 5 == 0) ? 0 : (i % 3 == 0 ? 0.5 : 0);   // mostly ties
    for (int i = 0; i < up.length; i++) up[i] = i + 1;
    double[] expected = new double[x.length];
    for (int b = 0; b < shape[0]; b++) {
      for (int oh = 0; oh < 2; oh++) {
        for (int ow = 0; ow < 3; ow++) {
          for (int c = 0; c < shape[3]; c++) {
            int best = -1;
            for (int dh = 0; dh < 2; dh++) {
              for (int dw = 0; dw < 2; dw++) {
                int i = (int) (((b * shape[1] + 2 * oh + dh) * shape[2] + 2 * ow + dw) * shape[3] + c);
                if (best < 0 || x[i] > x[best]) best = i;
              }
            }
            expected[best] += up[(int) (((b * 2 + oh) * 3 + ow) * shape[3] + c)];
          }
        }
      }
    }
    for (Class<? extends org.tensorflow.types.family.TNumber> type : java.util.List.of(TFloat32.class, TFloat64.class)) {
      try (LayerGraph g = new LayerGraph(new MaxPooling2D("p", 2), Shape.of(-1, 4, 6, 3), shape, type, true)) {
        assertArrayEquals(expected, g.gradients(x, up).get("x"), 0, type.getSimpleName());
      }
    }
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}", 7, 7, 2);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [0, 2]}", "pool_size");
    Configs.rejects("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': 4}", new long[] {3, 3, 1}, "does not fit");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'MaxPooling2D', 'name': 'p', 'strides': 2147483647, 'padding': 'same'}", new long[] {28, 28, 3},
        "MaxPooling2D 'p'", "strides", "[1, 65536]", "2147483647");
    Configs.refusesSpec("{'type': 'MaxPooling2D', 'name': 'p', 'pool_size': [100000, 2], 'padding': 'same'}", new long[] {28, 28, 3},
        "MaxPooling2D 'p'", "pool_size", "[1, 65536]", "[100000, 2]");
  }
}
