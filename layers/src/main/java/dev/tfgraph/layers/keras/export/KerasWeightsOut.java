package dev.tfgraph.layers.keras.export;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.layers.keras.file.KerasFormat;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code model.weights.h5} as Keras 3's saving_lib reads it: a group {@code layers/<snake_case(class)>[_k]/vars}
 * per layer of the config that has weights, k counting the layers of that class in config order (InputLayers
 * and layers without weights counted too), its weights as float32 datasets {@code 0, 1, ...} in the tfgraph
 * layer's order (Keras' creation order), the group's {@code name} attribute the layer's name. Keras writes
 * an empty {@code vars} for a layer without weights (and the model); tfgraph leaves those out, which Keras
 * reads as no variables: jHDF 0.9.2 writes an empty group in a file that holds datasets unreadably (its
 * object header is overwritten). Written with jHDF, no native HDF5.
 */
final class KerasWeightsOut {
  private KerasWeightsOut() {}

  /** Writes the weights of {@code layers} (in config order) to the HDF5 file {@code h5}; a missing or misshapen weight is refused, all named in one line. */
  static void write(Path h5, String modelName, List<KerasFunctional.Written> layers, Map<String, NpyArray> weights) {
    List<String> problems = new ArrayList<>();
    for (KerasFunctional.Written w : layers) {
      if (w.layer() == null || w.className().equals("Normalization")) continue;
      for (WeightSpec s : w.layer().weights()) {
        NpyArray a = weights.get(s.key());
        if (a == null) problems.add(s.key() + " is missing");
        else if (!Arrays.equals(a.shape(), s.shape().asArray())) {
          problems.add(s.key() + " has shape " + a.shapeString() + ", expected " + Arrays.toString(s.shape().asArray()));
        }
      }
    }
    if (!problems.isEmpty()) throw new BadInputException("the weights do not fit model '" + modelName + "': " + String.join("; ", problems));
    Map<String, Integer> count = new HashMap<>();
    try (WritableHdfFile out = HdfFile.write(h5)) {
      WritableGroup top = out.putGroup("layers");
      for (KerasFunctional.Written w : layers) {
        String snake = KerasFormat.snake(w.className());
        int k = count.merge(snake, 1, Integer::sum) - 1;
        if (w.layer() == null || w.className().equals("Normalization") || w.layer().weights().isEmpty()) continue;   // no group
        WritableGroup vars = top.putGroup(k == 0 ? snake : snake + "_" + k).putGroup("vars");
        vars.putAttribute("name", w.name());
        List<WeightSpec> specs = w.layer().weights();
        for (int i = 0; i < specs.size(); i++) {
          NpyArray a = weights.get(specs.get(i).key());
          vars.putDataset(String.valueOf(i), nested(a.toFloats(), a.shape()));
        }
      }
    }
  }

  /** A flat row-major array as the nested Java array jHDF writes ({@code float[][]...}); a scalar as a one-element array. */
  static Object nested(float[] flat, long[] shape) {
    if (shape.length <= 1) return flat;
    int[] dims = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    Object out = Array.newInstance(float.class, dims);
    fill(out, flat, dims, 0, 0);
    return out;
  }

  private static int fill(Object target, float[] flat, int[] dims, int axis, int at) {
    if (axis == dims.length - 1) {
      System.arraycopy(flat, at, target, 0, dims[axis]);
      return at + dims[axis];
    }
    for (int i = 0; i < dims[axis]; i++) at = fill(Array.get(target, i), flat, dims, axis + 1, at);
    return at;
  }
}
