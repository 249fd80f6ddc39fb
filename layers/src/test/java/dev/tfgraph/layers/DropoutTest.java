package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dropout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class DropoutTest {
  static float[] run(boolean training, long step) {
    return run(new Dropout("d", 0.25), training, step);
  }

  static float[] run(Dropout d, boolean training, long step) {
    d.build(Shapes.batchOf(1000));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.math.add(tf.zeros(tf.constant(new long[] {4, 1000}), TFloat32.class), tf.constant(1f));
      Operand<TFloat32> y = d.call(tf, x, new CallContext(training, Map.of(), tf.constant(new long[] {7, step})));
      try (Result r = s.runner().fetch(y).run()) {
        return Tensors.toFloats(r.get(0));
      }
    }
  }

  @Test
  void inferenceIsIdentity() {
    for (float v : run(false, 0)) assertEquals(1f, v);
  }

  @Test
  void trainingDropsAboutRateAndScalesTheRest() {
    float[] y = run(true, 3);
    int zeros = 0;
    for (float v : y) {
      if (v == 0) zeros++;
      else assertEquals(1f / 0.75f, v, 1e-6);
    }
    assertTrue(Math.abs(zeros / 4000.0 - 0.25) < 0.03, "dropped fraction " + zeros / 4000.0);
  }

  @Test
  void masksAreAFunctionOfSeedAndStep() {
    assertArrayEquals(run(true, 5), run(true, 5));
    assertTrue(!java.util.Arrays.equals(run(true, 5), run(true, 6)));
  }

  @Test
  void noiseShapeSharesOneDrawAlongItsOnes() {
    // [4, 1000] with noise_shape [null, 1]: each example kept or dropped whole (EfficientNet's drop-connect)
    float[] y = run(new Dropout("d", 0.25, new Integer[] {null, 1}, true), true, 3);
    int dropped = 0;
    for (int b = 0; b < 4; b++) {
      float first = y[b * 1000];
      assertTrue(first == 0f || Math.abs(first - 1f / 0.75f) < 1e-6, "value " + first);
      for (int i = 0; i < 1000; i++) assertEquals(first, y[b * 1000 + i], "example " + b + " index " + i);
      if (first == 0f) dropped++;
    }
    assertTrue(dropped < 4, "every example dropped");
    for (float v : run(new Dropout("d", 0.25, new Integer[] {null, 1}, true), false, 3)) assertEquals(1f, v);
  }

  @Test
  void noiseShapeRoundTripsAndIsChecked() {
    Configs.roundTrip("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': [null, 1, 1, 1]}", 3, 3, 2);
    Configs.specRoundTrip("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': [null, 1, 3]}", 2, 3);
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': [null, 1]}", new long[] {3, 2}, "Dropout 'd'",
        "noise_shape [null, 1]", "[None, 3, 2]");
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': [null, 2]}", new long[] {3}, "Dropout 'd'",
        "noise_shape [null, 2]", "does not broadcast");
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': [null, 0]}", "Dropout 'd'", "noise_shape", "below 1");
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 0.5, 'noise_shape': 3}", "Dropout 'd'", "noise_shape",
        "a list of integers or nulls");
  }

  @Test
  void configRoundTripsAndRejectsBadRate() {
    Configs.roundTrip("{'type': 'Dropout', 'name': 'd', 'rate': 0.5}", 3);
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 1.0}", "Dropout 'd'", "rate", "[0, 1)", "1.0");
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': -0.5}", "Dropout 'd'", "rate", "[0, 1)", "-0.5");
    Configs.rejects("{'type': 'Dropout', 'name': 'd', 'rate': 1e400}", "Dropout 'd'", "rate", "[0, 1)", "Infinity");
  }
}
