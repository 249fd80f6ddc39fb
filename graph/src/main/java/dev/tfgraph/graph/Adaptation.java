package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Tensor;

/**
 * Before the first step, {@link Adaptable} layers (PrototypeKernel, Normalization) take values from the training
 * data: each sees its input computed by the layers before it, with their initial (or adapted) weights.
 */
final class Adaptation {
  private Adaptation() {}

  /** Adapts every Adaptable layer in order, writing the values into {@code weights}. */
  static void run(Model model, ModelGraph mg, Dataset train, Map<String, NpyArray> weights) {
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Adaptable a)) continue;
      mg.setWeights(weights);
      float[] in = fetchAll(model, mg, mg.layerInputs().get(i), train);
      Map<String, double[]> values = a.adapt(in, train.size(), train.y(), Math.max(train.numClasses(), model.numOutputs()));
      for (var e : values.entrySet()) {
        String key = layers.get(i).name() + "." + e.getKey();
        weights.put(key, NpyArray.ofDoubles(weights.get(key).shape(), e.getValue()));
      }
    }
  }

  /** {@code op} for every example of {@code d}, in batches of 512, concatenated. */
  private static float[] fetchAll(Model model, ModelGraph mg, Operand<?> op, Dataset d) {
    if (op == mg.input()) return d.x();
    long in = d.exampleSize();
    int b = 512;
    List<float[]> parts = new ArrayList<>();
    for (int from = 0; from < d.size(); from += b) {
      int n = Math.min(b, d.size() - from);
      try (Tensor x = Tensors.rows(mg.type(), model.input().shape(), d.x(), from, n, in);
          Result r = mg.session().runner().feed(mg.input(), x).fetch(op).run()) {
        parts.add(Tensors.toFloats(r.get(0)));
      }
    }
    return Tensors.concat(parts);
  }
}
