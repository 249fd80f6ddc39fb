package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Runs a built, weightless layer on a constant input: in training at step {@code step} (run seed 7), or at inference. */
final class StepRun {
  private StepRun() {}

  static float[] run(Layer layer, float[] input, long[] shape, boolean training, long step) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.reshape(tf.constant(input), tf.constant(shape));
      Operand<TFloat32> y = layer.call(tf, x, new CallContext(training, Map.of(), training ? tf.constant(new long[] {7, step}) : null));
      try (Result r = s.runner().fetch(y).run()) {
        return Tensors.toFloats(r.get(0));
      }
    }
  }
}
