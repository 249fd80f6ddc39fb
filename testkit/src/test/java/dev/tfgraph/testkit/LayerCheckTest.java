package dev.tfgraph.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.TestLayers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

class LayerCheckTest {
  @Test
  void passesOnCorrectLayers() {
    LayerCheck.of(new TestLayers.Affine("fc", 4, "relu", true), 5).check();
    LayerCheck.of(new TestLayers.Scale("s", 3, true), 3).check();
  }

  /** y = x² with the gradient of x (stop-gradient trick): finite differences must catch it. */
  static final class WrongGradient extends Layer {
    WrongGradient() {
      super("wrong", true);
    }

    @Override
    public String type() {
      return "Affine";   // parsed back as an Affine by the round trip; the gradient check uses this instance's config
    }

    @Override
    protected void writeConfig(Map<String, Object> out) {
      out.put("units", 2);
    }

    @Override
    protected Shape computeBuild(Shape input) {
      return input;
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      Operand<T> square = tf.math.mul(x, x);
      return tf.math.add(tf.stopGradient(square), tf.math.sub(x, tf.stopGradient(x)));
    }
  }

  @Test
  void aWrongGradientFails() {
    try (LayerGraph h = new LayerGraph(new WrongGradient(), Shape.of(-1, 2), new long[] {2, 2},
        org.tensorflow.types.TFloat64.class, false)) {
      double[] x = {0.5, -1.5, 2, 0.25};
      double[] g = {1, 1, 1, 1};
      var grads = h.gradients(x, g);
      double[] fx = h.directional(x, g, grads.get("x"), LayerGraph.direction(4, new long[] {2, 2}, 1, false), 1e-6);
      AssertionError e = assertThrows(AssertionError.class,
          () -> LayerGraph.assertClose(new double[] {fx[0]}, new double[] {fx[1]}, 1e-6, "wrong gradient"));
      assertTrue(e.getMessage().contains("scaled error"), e.getMessage());
    }
  }

  /** x0 · stop_gradient(x1): its gradient w.r.t. x1 is reported as zero, the true one is x0·g. */
  static final class StopSecond extends dev.tfgraph.graph.MergeLayer {
    StopSecond() {
      super("stop", true);
    }

    @Override
    public String type() {
      return "Multiply";
    }

    @Override
    protected void writeConfig(Map<String, Object> out) {}

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, java.util.List<Operand<T>> in, CallContext ctx) {
      return tf.math.mul(in.get(0), tf.stopGradient(in.get(1)));
    }
  }

  @Test
  void aWrongGradientOfASecondInputFails() {
    try (InboundGraph h = new InboundGraph(new StopSecond(), java.util.List.of(new long[] {3}, new long[] {3}), 2, "float64")) {
      java.util.List<double[]> xs = java.util.List.of(new double[] {0.5, -1, 2, 1.5, 0.25, -2}, new double[] {1, 2, 3, -1, 0.5, 4});
      double[] g = {1, -1, 0.5, 2, 1, 1};
      var grads = h.gradients(xs, g, Map.of());
      double[] plus = xs.get(1).clone(), minus = xs.get(1).clone();
      plus[2] += 1e-6;
      minus[2] -= 1e-6;
      double fd = (h.loss(java.util.List.of(xs.get(0), plus), g) - h.loss(java.util.List.of(xs.get(0), minus), g)) / 2e-6;
      assertEquals(0.0, grads.get("x1")[2], 0.0, "the layer claims no gradient through x1");
      assertEquals(2 * 0.5, fd, 1e-6, "finite differences see x0·g");
    }
    LayerCheck.ofInputs(new TestLayers.Product("mul"), new long[] {3}, new long[] {3}).gradients();   // the true product passes
  }

  @Test
  void aConfigThatDoesNotRoundTripFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> LayerCheck.of(new WrongGradient(), 2).configRoundTrip());
    assertTrue(e.getMessage().contains("config round trip"), e.getMessage());
  }
}
