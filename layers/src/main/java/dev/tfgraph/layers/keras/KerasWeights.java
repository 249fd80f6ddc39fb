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
    List<Dataset> found = kf.kind() == KerasFile.Kind.KERAS_ZIP ? zipped(e, specs.isEmpty())
        : KerasLegacyWeights.datasets(kf.weights(), label, e, origins.get(e.kerasName()));
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

  private static String ordinal(int n) {
    return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) { case 1 -> "st"; case 2 -> "nd"; case 3 -> "rd"; default -> "th"; });
  }
}
