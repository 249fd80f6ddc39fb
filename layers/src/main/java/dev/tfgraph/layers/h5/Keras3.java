package dev.tfgraph.layers.h5;

import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a layer's weights are in a Keras 3 {@code .weights.h5}. Keras' saving_lib files every layer
 * of {@code model.layers} under {@code layers/<class in snake case>}, with {@code _1}, {@code _2},
 * ... for the second, third layer of that class ({@code conv2d}, {@code conv2d_1}, ...;
 * {@code batch_normalization_12}), its variables as {@code vars/0, 1, ...}; newer Keras also writes
 * the layer's name as attribute {@code name} of {@code vars}. A layer is found by that name when the
 * file has it, else by its position among the given layers of its class, which must then be every
 * layer of that class in the Keras model, in Keras' order (as the built-in backbones list them).
 * A model saved inside another ({@code layers/functional/layers/...}) is found one level down.
 */
final class Keras3 {
  private final Map<String, Group> vars = new HashMap<>();   // tfgraph layer name -> its vars group
  private final Path file;

  private Keras3(Path file) {
    this.file = file;
  }

  /** The Keras 3 layout of {@code h5} for these layers, or null for a Keras 2 file. */
  static Keras3 of(HdfFile h5, Model model, List<String> layerNames, Path file) {
    if (h5.getAttribute("layer_names") != null || !(KerasH5.find(h5, "layers") instanceof Group root)) return null;
    Group layers = container(root, layerNames.isEmpty() ? "" : snake(model.layer(layerNames.get(0)).type()));
    Keras3 k = new Keras3(file);
    Map<String, Group> named = new HashMap<>();
    for (Node n : layers.getChildren().values()) {
      if (n instanceof Group g && g.getChild("vars") instanceof Group v && v.getAttribute("name") != null) {
        named.put(String.valueOf(v.getAttribute("name").getData()), v);
      }
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    Map<String, Integer> inFile = new LinkedHashMap<>();
    for (String name : layerNames) {
      String cls = snake(model.layer(name).type());
      int i = seen.merge(cls, 1, Integer::sum) - 1;
      Group v = named.get(name);
      if (v == null && named.isEmpty()) {
        String path = i == 0 ? cls : cls + "_" + i;
        if (layers.getChild(path) instanceof Group g && g.getChild("vars") instanceof Group gv) v = gv;
        if (v == null) {
          throw new BadInputException(file + ": missing weights of layer \"" + name + "\" (Keras 3 layout: expected group "
              + layers.getPath() + path + "/vars, the " + ordinal(i + 1) + " " + model.layer(name).type() + " of the model)");
        }
        inFile.computeIfAbsent(cls, c -> count(layers, c));
      }
      if (v == null) throw new BadInputException(file + ": missing weights of layer \"" + name + "\" (no vars group named \"" + name + "\")");
      k.vars.put(name, v);
    }
    // found by position: the file must hold exactly as many layers of each class as were asked for
    inFile.forEach((cls, n) -> {
      if (!n.equals(seen.get(cls))) {
        throw new BadInputException(file + ": holds " + n + " " + cls + " layers with weights, expected " + seen.get(cls)
            + " (the file is of another model?)");
      }
    });
    return k;
  }

  /** The datasets of {@code layer}, vars/0, 1, ... in order. */
  List<Dataset> datasets(String layer) {
    Group v = vars.get(layer);
    List<Dataset> out = new ArrayList<>();
    for (int i = 0; v.getChild(String.valueOf(i)) != null; i++) {
      if (!(v.getChild(String.valueOf(i)) instanceof Dataset d)) throw new BadInputException(file + ": " + v.getPath() + i + " is not a dataset");
      out.add(d);
    }
    return out;
  }

  /** The group holding the layers: the root's, or that of the model saved inside it which holds layers of class {@code cls}. */
  private static Group container(Group root, String cls) {
    if (root.getChild(cls) != null) return root;
    for (Node n : root.getChildren().values()) {
      if (n instanceof Group g && g.getChild("layers") instanceof Group inner && inner.getChild(cls) != null) return inner;
    }
    return root;
  }

  /** Groups of class {@code cls} ({@code cls}, {@code cls_1}, ...) whose vars hold weights. */
  private static int count(Group layers, String cls) {
    int n = 0;
    for (Node c : layers.getChildren().values()) {
      if (c.getName().matches(java.util.regex.Pattern.quote(cls) + "(_\\d+)?") && c instanceof Group g
          && g.getChild("vars") instanceof Group v && !v.getChildren().isEmpty()) n++;
    }
    return n;
  }

  /** Keras' naming.to_snake_case: "Conv2D" -> "conv2d", "BatchNormalization" -> "batch_normalization". */
  static String snake(String cls) {
    String s = cls.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  private static String ordinal(int n) {
    return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) { case 1 -> "st"; case 2 -> "nd"; case 3 -> "rd"; default -> "th"; });
  }
}
