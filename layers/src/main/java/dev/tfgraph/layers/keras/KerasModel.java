package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.file.KerasFile;
import dev.tfgraph.layers.keras.file.KerasFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Keras model file read as a tfgraph {@link Model} with its weights: a Keras 3 {@code .keras} or a
 * full-model {@code .h5} (Keras 3's legacy writer). Sequential and Functional models of the layers
 * tfgraph has, one output; everything else is refused in one line that lists every offending layer.
 * The file is untrusted input: nothing in it is executed, and its zip and HDF5 structure is bounded
 * and checked before anything is read. A {@code .keras} that tfgraph wrote ({@link dev.tfgraph.layers.keras.export.KerasExport}) gives its
 * labels back from metadata.json's {@code "tfgraph"} entry. docs/keras-import.md lists what is
 * supported and how each Keras layer maps.
 *
 * @param model the model, built (every shape checked)
 * @param weights every weight of the model, keyed {@code <layer>.<weight>} by tfgraph's weight names
 * @param renames every name the import changed (none when every Keras name is a valid spec name)
 */
public record KerasModel(Model model, Map<String, NpyArray> weights, List<Rename> renames) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A name the import changed.
   *
   * @param kind "input", "layer" or "model"
   * @param keras the name in the Keras file
   * @param tfgraph the name in the spec
   * @param why why it changed
   */
  public record Rename(String kind, String keras, String tfgraph, String why) {
    @Override
    public String toString() {
      return kind + " \"" + keras + "\" -> \"" + tfgraph + "\" (" + why + ")";
    }
  }

  /**
   * Copies the weights and renames, so the record cannot change under its reader.
   *
   * @param model the model, built
   * @param weights every weight of the model, keyed {@code <layer>.<weight>}
   * @param renames every name the import changed
   */
  public KerasModel {
    weights = Map.copyOf(weights);
    renames = List.copyOf(renames);
  }

  /**
   * Reads, converts and builds the model in {@code file}, with its weights.
   *
   * @param file a Keras 3 .keras archive or a full-model .h5 file
   * @return the model, its weights and the names the import changed
   * @throws BadInputException naming the file and what is wrong: an unreadable, oversized or
   *     malformed file, a layer or option tfgraph does not have (every one listed), an input of
   *     unknown size, a missing weight or a weight of the wrong shape
   */
  public static KerasModel load(Path file) {
    return load(file, Map.of());
  }

  /**
   * As {@link #load(Path)}, with the sizes that an input's config leaves unknown (a model built on
   * {@code keras.Input((None, None, 3))}): {@code inputShapes} maps a Keras input name to its sizes after the
   * batch axis. A size the file knows must be given as the file has it; a name that is no input is refused.
   *
   * @param file a Keras 3 .keras archive or a full-model .h5 file
   * @param inputShapes Keras input name to its sizes after the batch axis, e.g. {@code [224, 224, 3]}
   * @return the model, its weights and the names the import changed
   * @throws BadInputException as {@link #load(Path)}, and when a given shape names no input or
   *     contradicts the file
   */
  public static KerasModel load(Path file, Map<String, long[]> inputShapes) {
    try (KerasFile kf = KerasFile.open(file)) {
      KerasGraph g = KerasGraph.convert(kf.config(), file.toString(), inputShapes);
      JsonNode labels = KerasFormat.labels(kf.metadata());   // a file tfgraph wrote: its labels come back
      if (labels != null) g.spec.set("labels", labels);
      Model m;
      try {
        m = Model.fromConfig(g.spec);
      } catch (BadInputException e) {
        throw new BadInputException(file + ": the imported model does not build: " + e.getMessage(), e);
      }
      return new KerasModel(m, KerasWeights.read(kf, g.entries, m, g.nesting.origins), g.renames);
    }
  }

  /** The layers that bring an image's pixels to the range a model expects. */
  private static final java.util.Set<String> SCALING = java.util.Set.of("Rescaling", "Normalization", "ImagePreprocessing");

  /**
   * Where an image input (rank 4, [batch, height, width, channels]) goes straight into a layer that does not
   * rescale it, e.g. {@code input 'image' goes straight into 'conv1' (Conv2D)}; null when every image input is
   * rescaled first, or there is none. tfgraph feeds images as RGB in [0, 1] ({@code serving_images},
   * image folders); a Keras image model without its own rescaling usually expects other pixels (0–255, or
   * keras.applications' preprocess_input), which an import can add in front (preprocess).
   *
   * @return a one-line description of the first unscaled image input, or null
   */
  public String unscaledImageInput() {
    for (var in : model.inputs()) {
      if (in.shape().numDimensions() != 4) continue;
      for (var l : model.layers()) {
        if (model.inbound(l.name()).contains(in.name()) && !SCALING.contains(l.getClass().getSimpleName())) {
          return "input '" + in.name() + "' goes straight into '" + l.name() + "' (" + l.getClass().getSimpleName() + ")";
        }
      }
    }
    return null;
  }

  /**
   * The model's spec in format 2 (inputs, inbound on every layer, outputs), every default written
   * (docs/model-spec.md).
   *
   * @return the spec as indented JSON
   */
  public String spec() {
    return formatTwo(model);
  }

  /**
   * {@code m.config()} in format 2 even when {@code m} is a chain (which config() writes as format 1).
   *
   * @param m any model
   * @return its spec as indented JSON, format 2
   */
  public static String formatTwo(Model m) {
    try {
      ObjectNode c = (ObjectNode) JSON.readTree(m.config());
      if (c.path("format_version").asInt() == 1) {
        ObjectNode out = JSON.createObjectNode();
        out.put("format_version", 2);
        out.set("name", c.get("name"));
        out.putArray("inputs").add(c.get("input"));
        if (c.has("labels")) out.set("labels", c.get("labels"));
        ArrayNode layers = out.putArray("layers");
        String previous = c.get("input").get("name").asText();
        for (JsonNode l : c.get("layers")) {
          ObjectNode copy = ((ObjectNode) l).deepCopy();
          copy.putArray("inbound").add(previous);
          layers.add(copy);
          previous = l.get("name").asText();
        }
        out.putArray("outputs").add(previous);
        c = out;
      }
      return JSON.writeValueAsString(c);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
