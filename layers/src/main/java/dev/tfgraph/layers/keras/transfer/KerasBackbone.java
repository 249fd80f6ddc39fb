package dev.tfgraph.layers.keras.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.layers.keras.KerasModel;
import dev.tfgraph.layers.models.Models;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The improved bilinear pooling seed job on any backbone (docs/ib-keras.md): a Keras model file's model cut at a named layer (that layer and its ancestors,
 * the layer's feature map [batch, height, width, channels] as output), then the improved bilinear head of
 * ib-vgg16 ({@link Models#bilinearHead}). The backbone keeps the file's weights, frozen by default as Keras'
 * {@code trainable = False} freezes (BatchNormalization then on its moving statistics); the head starts fresh.
 */
public final class KerasBackbone {
  /** The name of the model {@link #ibKeras} builds. */
  public static final String MODEL_NAME = "ib-keras";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasBackbone() {}

  /**
   * {@code k}'s model cut at {@code cutAt}, frozen when {@code freeze}, under the improved bilinear head of
   * {@code classes} classes and matrix square root {@code sqrt}; its weights are the file's for the backbone and
   * fresh ones, drawn from {@code seed}, for the head.
   *
   * @param k the imported Keras model and its weights
   * @param cutAt the layer whose feature map [batch, height, width, channels] the head pools
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @param freeze true keeps the backbone out of the optimizer
   * @param seed seed of the head's initial weights
   * @return the ib-keras model, output [batch, classes], with every weight
   * @throws BadInputException when cutAt is unusable (see {@link #cut}) or sqrt or classes are out of range
   */
  public static KerasModel ibKeras(KerasModel k, String cutAt, String sqrt, int classes, boolean freeze, long seed) {
    Model backbone = cut(k.model(), k.renames(), cutAt, "cut_at");
    Model m = bilinear(freeze ? frozen(backbone) : backbone, sqrt, classes);
    return new KerasModel(m, weights(m, backbone, k.weights(), seed), k.renames());
  }

  /**
   * The part of {@code m} that computes layer {@code name} (a tfgraph name, or a Keras name that the import
   * renamed): that layer and its ancestors, with {@code name} as output, the layers' trainable flags kept. Refused in
   * one line: a name that is no layer (naming a few near ones), an input, a layer whose output is not rank 4, a layer
   * that depends on a later call of a shared layer without its first call (which holds the weights).
   *
   * @param m the imported model
   * @param renames the names the import changed (so that a Keras name can be given)
   * @param name the layer to cut at, by tfgraph or Keras name
   * @param option the option that named the layer (snake_case), for messages
   * @return the backbone, output [batch, height, width, channels] of that layer, without labels
   * @throws BadInputException for each refusal above, naming the layer
   */
  public static Model cut(Model m, List<KerasModel.Rename> renames, String name, String option) {
    Set<String> inputs = new HashSet<>();
    m.inputs().forEach(i -> inputs.add(i.name()));
    List<String> names = m.layers().stream().map(Layer::name).toList();
    String layer = name;
    if (!names.contains(name) && !inputs.contains(name)) {   // a tfgraph name first, else a Keras name the import renamed
      for (KerasModel.Rename r : renames) if (r.kind().equals("layer") && r.keras().equals(name)) layer = r.tfgraph();
    }
    if (inputs.contains(layer)) {
      throw new BadInputException(option + " " + name + " is an input of " + m.name() + "; expected a layer whose output is a feature"
          + " map [batch, height, width, channels], e.g. a late convolution's or activation's");
    }
    if (!names.contains(layer)) {
      throw new BadInputException(option + ": no layer named " + name + " in " + m.name() + "; the nearest names: "
          + String.join(", ", nearest(name, names, 5)) + " (of " + names.size() + " layers)");
    }
    var shape = m.shapeOf(layer);
    if (shape.numDimensions() != 4) {
      throw new BadInputException(option + " " + name + ": its output " + Shapes.show(shape) + " has rank " + shape.numDimensions()
          + "; expected a feature map [batch, height, width, channels] (rank 4) for bilinear pooling, e.g. a layer before"
          + " the model's pooling and flattening");
    }
    Set<String> keep = ancestors(m, layer);
    for (String n : keep) {
      String shared = inputs.contains(n) ? null : m.shares(n);
      if (shared != null && !keep.contains(shared)) {
        throw new BadInputException(option + " " + name + ": it depends on " + n + ", a later call of the shared layer " + shared
            + ", whose weights belong to a call that " + name + " does not depend on; expected a layer after the first call of "
            + shared);
      }
    }
    ObjectNode spec = spec(m);
    ArrayNode layers = JSON.createArrayNode(), ins = JSON.createArrayNode();
    for (JsonNode l : spec.path("layers")) if (keep.contains(l.path("name").asText())) layers.add(l);
    for (JsonNode i : spec.path("inputs")) if (keep.contains(i.path("name").asText())) ins.add(i);
    spec.set("inputs", ins);
    spec.set("layers", layers);
    spec.remove("labels");                                  // the labels of the file's output, not of this one
    spec.putArray("outputs").add(layer);
    return Model.fromConfig(spec);
  }

  /**
   * {@code m} with every layer frozen (out of the optimizer; BatchNormalization on its moving statistics).
   *
   * @param m any model
   * @return the same model with every layer's trainable false
   */
  public static Model frozen(Model m) {
    ObjectNode spec = spec(m);
    for (JsonNode l : spec.path("layers")) ((ObjectNode) l).put("trainable", false);
    return Model.fromConfig(spec);
  }

  /**
   * {@code backbone} (one output, a feature map [batch, height, width, channels]) under the improved bilinear head,
   * named {@link #MODEL_NAME}. A head layer whose name the backbone already has is named {@code ib_<name>}.
   *
   * @param backbone a model of one rank-4 output
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @return the whole model, output [batch, classes]
   * @throws BadInputException when sqrt or classes are out of range
   */
  public static Model bilinear(Model backbone, String sqrt, int classes) {
    ObjectNode spec = spec(backbone);
    Set<String> taken = new HashSet<>();
    for (JsonNode i : spec.path("inputs")) taken.add(i.path("name").asText());
    for (JsonNode l : spec.path("layers")) taken.add(l.path("name").asText());
    ArrayNode layers = (ArrayNode) spec.path("layers");
    String previous = backbone.outputLayer().name();
    for (Layer l : Models.bilinearHead(sqrt, classes, n -> free(n, taken))) {
      ObjectNode c = JSON.valueToTree(l.config());
      c.putArray("inbound").add(previous);
      layers.add(c);
      previous = l.name();
    }
    spec.put("name", MODEL_NAME);
    spec.putArray("outputs").add(previous);
    return Model.fromConfig(spec);
  }

  /**
   * The weights of {@code m} (a backbone under a head): the file's ({@code file}, keyed {@code <layer>.<weight>}) for
   * every layer of {@code backbone}, fresh ones from {@code seed} for the rest. A file's layer that the cut left out
   * gives nothing, even when a head layer has its name.
   *
   * @param m the whole model (backbone and head)
   * @param backbone the backbone {@code m} was built on
   * @param file the weights read from the Keras file
   * @param seed seed of the fresh weights
   * @return every weight of {@code m}, keyed {@code <layer>.<weight>}
   */
  public static Map<String, NpyArray> weights(Model m, Model backbone, Map<String, NpyArray> file, long seed) {
    Map<String, NpyArray> out = new LinkedHashMap<>(ModelRuntime.initialValues(m, seed));
    for (WeightSpec w : backbone.weights()) out.put(w.key(), file.get(w.key()));
    return out;
  }

  /** {@code layer}, every layer it depends on, and the inputs they take. */
  private static Set<String> ancestors(Model m, String layer) {
    Set<String> keep = new HashSet<>();
    Set<String> inputs = new HashSet<>();
    m.inputs().forEach(i -> inputs.add(i.name()));
    Deque<String> todo = new ArrayDeque<>(List.of(layer));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!keep.add(n) || inputs.contains(n)) continue;
      todo.addAll(m.inbound(n));
    }
    return keep;
  }

  /** The {@code k} names of {@code names} nearest to {@code name} by edit distance, nearest first (ties in model order). */
  static List<String> nearest(String name, List<String> names, int k) {
    return names.stream().sorted(java.util.Comparator.comparingInt(n -> distance(name, n))).limit(k).toList();
  }

  /** Levenshtein distance: single-character insertions, deletions and substitutions. */
  private static int distance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) row[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int up = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = up;
      }
    }
    return row[b.length()];
  }

  private static String free(String name, Set<String> taken) {
    String n = name;
    while (taken.contains(n)) n = "ib_" + n;
    return n;
  }

  private static ObjectNode spec(Model m) {
    try {
      return (ObjectNode) JSON.readTree(KerasModel.formatTwo(m));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
