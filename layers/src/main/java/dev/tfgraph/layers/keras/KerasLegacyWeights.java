package dev.tfgraph.layers.keras;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.layers.h5.KerasH5;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a legacy full-model {@code .h5} keeps a layer's weights, for {@link KerasWeights}: the datasets of
 * {@code model_weights/<layer>/} that its {@code weight_names} attribute lists, in order; for a layer of a nested
 * model, those of the nested model's group whose names lead to the layer.
 */
final class KerasLegacyWeights {
  private KerasLegacyWeights() {}

  /** {@code model_weights/<layer>/} + each of its {@code weight_names}. */
  static List<Dataset> datasets(HdfFile h5, Path label, KerasGraph.Entry e, KerasNesting.Origin o) {
    boolean nested = o != null && !o.models().isEmpty();
    String kname = o != null ? o.kerasName() : e.kerasName();
    String base = "model_weights/" + (nested ? o.models().get(0) : kname);
    Node group = KerasH5.find(h5, base);
    if (!(group instanceof Group g)) throw new BadInputException(label + ": no weights group " + base + " for layer '" + kname + "'");
    String[] list = weightNames(g, base, label);
    if (nested) list = nestedNames(list, o);
    List<Dataset> out = new ArrayList<>();
    for (String n : list) {
      if (!(KerasH5.find(h5, base + "/" + n) instanceof Dataset d)) throw new BadInputException(label + ": missing dataset " + base + "/" + n);
      out.add(d);
    }
    return out;
  }

  /**
   * The {@code weight_names} attribute, or its chunks {@code weight_names0}, {@code weight_names1}, ... that Keras writes when
   * the list is over HDF5's 64 KB attribute limit (a large model nested in the model).
   */
  private static String[] weightNames(Group g, String base, Path label) {
    List<Attribute> parts = new ArrayList<>();
    Attribute whole = g.getAttribute("weight_names");
    if (whole != null) parts.add(whole);
    for (int i = 0; whole == null && g.getAttribute("weight_names" + i) != null; i++) parts.add(g.getAttribute("weight_names" + i));
    if (parts.isEmpty()) throw new BadInputException(label + ": group " + base + " has no weight_names attribute");
    List<String> out = new ArrayList<>();
    for (Attribute a : parts) {
      Object data = a.getData();
      if (data instanceof String[] s) out.addAll(Arrays.asList(s));
      else if (data instanceof String s) out.add(s);
    }
    return out.toArray(new String[0]);
  }

  /**
   * A nested model's group holds the weights of all its layers (trainable ones first), each named
   * {@code [scope/]<chain>/<layer>/<variable>}, the chain being the nested models between the group's model and the layer:
   * those of the layer at {@code o}, in the group's order. The scope (the name scope the layer was built in) varies, so a
   * name's chain is the longest tail of its prefix that is a chain of this nested model. Keras 2 writes no chain
   * ({@code <layer>/<variable>:0} at any depth): such a name is the layer's wherever it sits.
   */
  private static String[] nestedNames(String[] list, KerasNesting.Origin o) {
    String want = String.join("/", o.models().subList(1, o.models().size()));
    List<String> out = new ArrayList<>();
    for (String n : list) {
      String[] parts = n.split("/");
      if (parts.length < 2 || !parts[parts.length - 2].equals(o.kerasName())) continue;
      String chain = "";
      for (int i = 0; i < parts.length - 2; i++) {
        String tail = String.join("/", Arrays.asList(parts).subList(i, parts.length - 2));
        if (o.chains().contains(tail)) {
          chain = tail;
          break;
        }
      }
      // tf.keras 2 names a variable by its layer's name scope alone ("Conv1/kernel:0" for a layer two models down)
      boolean keras2 = parts.length == 2 && n.endsWith(":0");
      if (chain.equals(want) || keras2) out.add(n);
    }
    return out.toArray(new String[0]);
  }
}
