package dev.tfgraph.layers.keras.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import dev.tfgraph.layers.keras.file.KerasFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Training a Keras model file's model in tfgraph: freezing layers as Keras' {@code trainable = False} does (the
 * weights stay out of the optimizer, BatchNormalization runs on its moving statistics), by name or up to a layer
 * of the file's layer order, and the check that refuses what training does not support yet (regularizers and
 * constraints). {@link KerasPreprocessing} adds the first layer that brings [0, 1] pixels to the model's.
 */
public final class KerasTraining {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");

  private KerasTraining() {}

  /**
   * The top-level layer names of {@code file} in Keras' {@code model.layers} order (config order, InputLayers
   * included: freezing one changes nothing).
   *
   * @param file a .keras or full-model .h5 file
   * @return the layer names, in order
   * @throws BadInputException when the file cannot be opened as a Keras model file
   */
  public static List<String> layerOrder(Path file) {
    try (KerasFile kf = KerasFile.open(file)) {
      List<String> out = new ArrayList<>();
      for (JsonNode l : kf.config().path("config").path("layers")) out.add(l.path("config").path("name").asText());
      return out;
    }
  }

  /**
   * {@code k}'s model with the layers named frozen; a name is a Keras layer name of the file (a nested model's
   * name freezes all its layers) or a tfgraph layer name; a later call of a shared layer is frozen with it.
   *
   * @param k the model imported from {@code file}
   * @param file the Keras file {@code k} was imported from (its config resolves Keras names)
   * @param names Keras or tfgraph layer names to freeze
   * @param option the option that named them (snake_case), for messages
   * @return the model with those layers' trainable set to false
   * @throws BadInputException when a name is no layer or input of the file, or the file cannot be opened
   */
  public static Model freeze(KerasModel k, Path file, Collection<String> names, String option) {
    JsonNode root;
    try (KerasFile kf = KerasFile.open(file)) {
      root = kf.config();
    }
    ObjectNode spec;
    try {
      spec = (ObjectNode) JSON.readTree(KerasModel.formatTwo(k.model()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Set<String> layers = new LinkedHashSet<>();
    for (JsonNode l : spec.path("layers")) layers.add(l.path("name").asText());
    Set<String> frozen = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String n : names) {
      Set<String> found = new LinkedHashSet<>();
      if (layers.contains(n)) found.add(n);
      for (String kname : kerasLayers(root.path("config"), n)) found.addAll(tfgraphNames(k, kname, layers));
      boolean input = false;
      for (JsonNode i : spec.path("inputs")) input |= i.path("name").asText().equals(n);
      if (found.isEmpty() && !input && !isKerasInput(root.path("config"), n)) unknown.add(n);
      frozen.addAll(found);
    }
    if (!unknown.isEmpty()) {
      throw new BadInputException(option + ": no layer named " + String.join(", ", unknown) + " in " + file + "; its layers: "
          + String.join(", ", layers));
    }
    for (JsonNode l : spec.path("layers")) {
      String shares = l.path("shares").asText("");
      if (frozen.contains(l.path("name").asText()) || frozen.contains(shares)) ((ObjectNode) l).put("trainable", false);
    }
    return Model.fromConfig(spec);
  }

  /**
   * {@code k}'s model with {@code model.layers[:i+1]} frozen, layer i named {@code name} in the file's layer order.
   *
   * @param k the model imported from {@code file}
   * @param file the Keras file {@code k} was imported from
   * @param name a top-level Keras layer name: it and every layer before it are frozen
   * @param option the option that named it (snake_case), for messages
   * @return the model with those layers' trainable set to false
   * @throws BadInputException when the name is no top-level layer of the file
   */
  public static Model freezeTo(KerasModel k, Path file, String name, String option) {
    List<String> order = layerOrder(file);
    int i = order.indexOf(name);
    if (i < 0) {
      throw new BadInputException(option + ": no top-level layer named " + name + " in " + file + "; its layers in order: "
          + String.join(", ", order));
    }
    return freeze(k, file, order.subList(0, i + 1), option);
  }

  /** Keras names of the layer {@code name} of {@code config} (searched in nested models too) and, for a model, of its layers. */
  private static List<String> kerasLayers(JsonNode config, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : config.path("layers")) {
      String n = l.path("config").path("name").asText();
      boolean nested = MODEL_CLASSES.contains(l.path("class_name").asText()) && l.path("config").path("layers").isArray();
      if (n.equals(name)) {
        out.add(n);
        if (nested) all(l.path("config"), out);
      } else if (nested) {
        out.addAll(kerasLayers(l.path("config"), name));
      }
    }
    return out;
  }

  private static void all(JsonNode config, List<String> out) {
    for (JsonNode l : config.path("layers")) {
      out.add(l.path("config").path("name").asText());
      if (MODEL_CLASSES.contains(l.path("class_name").asText())) all(l.path("config"), out);
    }
  }

  private static boolean isKerasInput(JsonNode config, String name) {
    for (JsonNode l : config.path("layers")) {
      if (l.path("class_name").asText().equals("InputLayer") && l.path("config").path("name").asText().equals(name)) return true;
    }
    return false;
  }

  /** tfgraph's names of Keras layer {@code kname}: its renames, else the name itself when the model has it. */
  private static List<String> tfgraphNames(KerasModel k, String kname, Set<String> layers) {
    List<String> out = new ArrayList<>();
    for (KerasModel.Rename r : k.renames()) {
      if (r.kind().equals("layer") && r.keras().equals(kname) && layers.contains(r.tfgraph())) out.add(r.tfgraph());
    }
    if (out.isEmpty() && layers.contains(kname)) out.add(kname);
    return out;
  }

  /**
   * Refuses a file whose layers have regularizers or constraints (which training does not apply yet), in one
   * line naming every such layer and key.
   *
   * @param file a .keras or full-model .h5 file
   * @throws BadInputException when a layer has a regularizer or constraint, or the file cannot be opened
   */
  public static void checkTrainable(Path file) {
    List<String> found = new ArrayList<>();
    try (KerasFile kf = KerasFile.open(file)) {
      regularized(kf.config().path("config"), found);
    }
    if (!found.isEmpty()) {
      throw new BadInputException(file + ": train does not support Keras regularizers and constraints yet: " + String.join(", ", found)
          + "; remove them in Keras and save again (spec and export accept the file as it is)");
    }
  }

  private static void regularized(JsonNode config, List<String> found) {
    for (JsonNode l : config.path("layers")) {
      JsonNode c = l.path("config");
      for (var it = c.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if ((key.endsWith("_regularizer") || key.endsWith("_constraint")) && !c.get(key).isNull()) {
          found.add(c.path("name").asText() + " (" + l.path("class_name").asText() + ") " + key);
        }
      }
      if (MODEL_CLASSES.contains(l.path("class_name").asText())) regularized(c, found);
    }
  }
}
