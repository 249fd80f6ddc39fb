package dev.tfgraph.layers.keras.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pixels a model expects: a first layer that turns the [0, 1] RGB images tfgraph feeds into those a model
 * trained on other pixels takes (keras.applications' {@code preprocess_input}, or 0–255).
 */
public final class KerasPreprocessing {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasPreprocessing() {}

  /** The modes of {@link #preprocess}. */
  public static final List<String> MODES = List.of("caffe", "torch", "tf", "raw255", "none");

  /**
   * {@code m} with a first layer that turns [0, 1] RGB into the pixels the model expects, so that
   * {@code serving_images} and image folders (which feed [0, 1]) suit a model trained on other pixels: "caffe",
   * "torch", "tf" as Keras' {@code preprocess_input} (ImagePreprocessing), "raw255" multiplies by 255 (Rescaling),
   * "none" returns {@code m}. The layer is named {@code preprocess} (with a suffix when taken); the weights keep
   * their names.
   *
   * @param m the imported model
   * @param mode one of {@link #MODES}
   * @param option the option that chose the mode (snake_case), for messages
   * @return the model with the preprocessing layer in front, or {@code m} for "none"
   * @throws BadInputException when the mode is unknown or the model does not have one image
   *     input [batch, height, width, channels]
   */
  public static Model preprocess(Model m, String mode, String option) {
    if (!MODES.contains(mode)) {
      throw new BadInputException(option + " must be one of " + String.join(", ", MODES) + ", received \"" + mode + "\"");
    }
    if (mode.equals("none")) return m;
    ObjectNode spec;
    try {
      spec = (ObjectNode) JSON.readTree(KerasModel.formatTwo(m));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    JsonNode inputs = spec.path("inputs");
    if (inputs.size() != 1 || inputs.get(0).path("shape").size() != 4) {
      throw new BadInputException(option + " " + mode + " needs a model of one image input [batch, height, width, channels]; "
          + m.name() + " has " + (inputs.size() != 1 ? inputs.size() + " inputs" : "input shape " + inputs.get(0).path("shape")));
    }
    String input = inputs.get(0).path("name").asText();
    Set<String> taken = new LinkedHashSet<>();
    taken.add(input);
    for (JsonNode l : spec.path("layers")) taken.add(l.path("name").asText());
    String name = "preprocess";
    for (int i = 2; taken.contains(name); i++) name = "preprocess_" + i;
    for (JsonNode l : spec.path("layers")) {
      JsonNode in = l.path("inbound");
      for (int i = 0; i < in.size(); i++) {
        if (in.get(i).isTextual() && in.get(i).asText().equals(input)) ((ArrayNode) in).set(i, name);
      }
    }
    ObjectNode layer = JSON.createObjectNode();
    layer.put("name", name);
    if (mode.equals("raw255")) {
      layer.put("type", "Rescaling");
      layer.put("scale", 255.0);
      layer.put("offset", 0.0);
    } else {
      layer.put("type", "ImagePreprocessing");
      layer.put("mode", mode);
    }
    layer.putArray("inbound").add(input);
    ((ArrayNode) spec.path("layers")).insert(0, layer);
    return Model.fromConfig(spec);
  }
}
