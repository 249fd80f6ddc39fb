package dev.tfgraph.graph.train;

import dev.tfgraph.graph.model.Adaptable;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.Finite;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;

/**
 * Before the first step, {@link Adaptable} layers (PrototypeKernel, Normalization) take values from the training
 * data: each sees its input computed by the layers before it, with their initial (or adapted) weights.
 */
final class Adaptation {
  private Adaptation() {}

  /** The first layer that adapts to the training data, or null. */
  static Layer needed(Model model) {
    return model.layers().stream().filter(l -> l instanceof Adaptable && model.original(l) == l).findFirst().orElse(null);
  }

  /** Adapts every Adaptable layer in order, writing the values into {@code weights}. */
  static void run(Model model, ModelRuntime rt, Dataset train, Map<String, NpyArray> weights) {
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Adaptable a) || model.original(layers.get(i)) != layers.get(i)) continue;  // a sharing one has no weights
      rt.setWeights(weights);
      float[] in = fetchAll(rt, rt.graph().layerInputs().get(i), train);
      int bad = Finite.first(in);
      if (bad >= 0) {
        long per = Math.max(1, in.length / Math.max(1, train.size()));
        throw new BadInputException(layers.get(i).where() + " adapts to its input on the training data, which is " + in[bad]
            + " for example " + bad / per + " (non-finite training data, or layers before it that overflow)");
      }
      Map<String, double[]> values = a.adapt(in, train.size(), train.y(), Math.max(train.numClasses(), model.numOutputs()));
      for (var e : values.entrySet()) {
        String key = layers.get(i).name() + "." + e.getKey();
        weights.put(key, NpyArray.ofDoubles(weights.get(key).shape(), e.getValue()));
      }
    }
  }

  /** {@code op} for every example of {@code d}, in batches of 512, concatenated. */
  private static float[] fetchAll(ModelRuntime rt, Operand<?> op, Dataset d) {
    List<Placeholder<? extends TNumber>> inputs = rt.graph().inputs();
    for (int i = 0; i < inputs.size(); i++) if (op == inputs.get(i)) return d.inputs().get(i).x();
    return rt.run(op, d.inputs().stream().map(Dataset.Input::x).toList(), d.size(), 512);
  }
}
