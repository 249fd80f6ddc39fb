package dev.tfgraph.layers.keras;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.h5.KerasH5;
import dev.tfgraph.layers.keras.file.KerasFile;
import dev.tfgraph.layers.keras.file.KerasFormat;
import dev.tfgraph.layers.keras.mapping.KerasLayers;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of an imported model, matched by position within each layer in Keras' creation order
 * (Dense: kernel, bias; BatchNormalization: gamma, beta, moving_mean, moving_variance, absent ones
 * skipped), which is the order tfgraph declares them in, and named by tfgraph's weight names. In
 * a {@code .keras}: {@code layers/<snake_case(class)>[_k]/vars/<i>}, k counting the layers of that
 * class in config order (Keras' saving_lib names them so, not by the layer's name; the {@code name}
 * attribute newer Keras writes on {@code vars} is checked when present). In a legacy {@code .h5}:
 * {@code model_weights/<layer>/} the datasets its {@code weight_names} attribute lists, in order.
 * Normalization's {@code count} is dropped; its mean and variance given in the config become weights.
 */
final class KerasWeights {
  private final KerasFile kf;
  private final Path label;
  private final Map<String, KerasNesting.Origin> origins;

  private KerasWeights(KerasFile kf, Map<String, KerasNesting.Origin> origins) {
    this.kf = kf;
    this.origins = origins;
    this.label = kf.kind() == KerasFile.Kind.KERAS_ZIP ? Path.of(kf.file() + "!model.weights.h5") : kf.file();
  }

  static Map<String, NpyArray> read(KerasFile kf, List<KerasGraph.Entry> entries, Model model) {
    return read(kf, entries, model, Map.of());
  }

  /** With {@code origins}: where the layers of a model that had nested models keep their weights, by the flattened Keras name. */
  static Map<String, NpyArray> read(KerasFile kf, List<KerasGraph.Entry> entries, Model model, Map<String, KerasNesting.Origin> origins) {
    KerasWeights w = new KerasWeights(kf, origins);
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try {
      for (KerasGraph.Entry e : entries) w.layer(e, model.layer(e.name()), out);
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException(w.label + ": weights cannot be read (" + KerasH5.reason(e) + ")", e);
    }
    return out;
  }

  private void layer(KerasGraph.Entry e, Layer layer, Map<String, NpyArray> out) {
    List<WeightSpec> specs = layer.weights();
    KerasLayers.Mapped m = e.mapped();
    if (m.configMean() != null) {   // Normalization with mean and variance in its config: no variables in the file
      long c = specs.get(0).shape().asArray()[0];
      out.put(specs.get(0).key(), fromConfig(e, "mean", m.configMean(), c));
      out.put(specs.get(1).key(), fromConfig(e, "variance", m.configVariance(), c));
      return;
    }
    List<Dataset> found = kf.kind() == KerasFile.Kind.KERAS_ZIP ? zipped(e, specs.isEmpty()) : legacy(e);
    if (m.dropsCount() && found.size() == specs.size() + 1) found = found.subList(0, specs.size());
    if (found.size() != specs.size()) {
      throw new BadInputException(label + ": layer '" + e.kerasName() + "' (" + e.cls() + ") has " + found.size() + " weights in the file, expected "
          + specs.size() + " " + specs.stream().map(WeightSpec::name).toList());
    }
    for (int i = 0; i < specs.size(); i++) {
      WeightSpec w = specs.get(i);
      Dataset d = found.get(i);
      long[] dims = Arrays.stream(d.getDimensions()).asLongStream().toArray();
      if (!Arrays.equals(dims, w.shape().asArray())) {
        throw new BadInputException(label + ": " + d.getPath() + " (" + w.key() + ") has shape " + Arrays.toString(dims) + ", expected "
            + Arrays.toString(w.shape().asArray()));
      }
      out.put(w.key(), NpyArray.ofFloats(dims, KerasH5.floats(d, label)));
    }
  }

  private NpyArray fromConfig(KerasGraph.Entry e, String key, double[] v, long c) {
    if (v.length != 1 && v.length != c) {
      throw new BadInputException(label + ": layer '" + e.kerasName() + "' (Normalization): " + key + " has " + v.length + " values, expected 1 or " + c);
    }
    float[] f = new float[(int) c];
    for (int i = 0; i < c; i++) f[i] = (float) v[v.length == 1 ? 0 : i];
    return NpyArray.ofFloats(new long[] {c}, f);
  }

  /** {@code layers/<class>[_k]/vars/0, 1, ...}; for a layer without weights ({@code none}) the group may be absent, as Keras reads it. */
  private List<Dataset> zipped(KerasGraph.Entry e, boolean none) {
    HdfFile h5 = kf.weights();
    KerasNesting.Origin o = origins.get(e.kerasName());
    String group = o != null ? o.group() : "layers/" + KerasFormat.snake(e.cls()) + (e.classIndex() == 0 ? "" : "_" + e.classIndex());
    String kname = o != null ? o.kerasName() : e.kerasName();
    String which = o != null && !o.models().isEmpty() ? "of nested model '" + String.join("/", o.models()) + "'"
        : o != null ? "of the model" : "(the " + ordinal(e.classIndex() + 1) + " " + e.cls() + " of the model)";
    Node vars = KerasH5.find(h5, group + "/vars");
    if (vars == null && none) return List.of();
    if (!(vars instanceof Group g)) {
      throw new BadInputException(label + ": no group " + group + "/vars for layer '" + kname + "' " + which);
    }
    Attribute name = g.getAttribute("name");
    if (name != null && !String.valueOf(name.getData()).equals(kname)) {
      throw new BadInputException(label + ": " + group + "/vars holds the weights of layer '" + name.getData() + "', expected '"
          + kname + "' " + which + ": the weights are not those of this config");
    }
    List<Dataset> out = new ArrayList<>();
    for (int i = 0; g.getChild(String.valueOf(i)) != null; i++) {
      if (!(g.getChild(String.valueOf(i)) instanceof Dataset d)) throw new BadInputException(label + ": " + group + "/vars/" + i + " is not a dataset");
      out.add(d);
    }
    if (out.size() != g.getChildren().size()) {
      throw new BadInputException(label + ": " + group + "/vars holds " + g.getChildren().keySet() + ", expected datasets 0, 1, ...");
    }
    return out;
  }

  /** {@code model_weights/<layer>/} + each of its {@code weight_names}. */
  private List<Dataset> legacy(KerasGraph.Entry e) {
    HdfFile h5 = kf.weights();
    KerasNesting.Origin o = origins.get(e.kerasName());
    boolean nested = o != null && !o.models().isEmpty();
    String kname = o != null ? o.kerasName() : e.kerasName();
    String base = "model_weights/" + (nested ? o.models().get(0) : kname);
    Node group = KerasH5.find(h5, base);
    if (!(group instanceof Group g)) throw new BadInputException(label + ": no weights group " + base + " for layer '" + kname + "'");
    String[] list = weightNames(g, base);
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
  private String[] weightNames(Group g, String base) {
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

  private static String ordinal(int n) {
    return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) { case 1 -> "st"; case 2 -> "nd"; case 3 -> "rd"; default -> "th"; });
  }
}
