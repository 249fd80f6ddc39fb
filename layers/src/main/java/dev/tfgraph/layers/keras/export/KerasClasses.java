package dev.tfgraph.layers.keras.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.io.NpyArray;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One tfgraph layer as the Keras class that {@link dev.tfgraph.layers.keras.mapping.KerasLayers} imports back as it: the inverse of the
 * importer's mapping. Keras' own layers keep tfgraph's type as their class and tfgraph's keys, which
 * are Keras' names; the seed layers and the tfgraph layers Keras lacks or defines otherwise become the
 * {@code tfgraph_keras} classes registered as {@code tfgraph>TYPE}; a plugin's layer, the registered name
 * its factory maps to it. Problems are collected, not thrown: the caller names every layer in one line.
 */
final class KerasClasses {
  private KerasClasses() {}

  /**
   * A Keras layer entry without its call: module, class_name, registered_name (null for Keras' own
   * classes) and config; {@code training} the call's {@code training} argument, or null.
   */
  record KerasClass(String module, String className, String registeredName, ObjectNode config, Boolean training) {}

  /** Keras' own layers, by tfgraph type, with the module Keras 3 writes for them. */
  private static final Set<String> KERAS_LAYERS = Set.of("Dense", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D",
      "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization", "LayerNormalization", "Activation",
      "Dropout", "Flatten", "Reshape", "ZeroPadding2D", "Cropping2D", "Add", "Subtract", "Multiply", "Average", "Maximum",
      "Concatenate", "Rescaling", "Normalization", "ReLU", "LeakyReLU", "Softmax", "RandomFlip");
  /** keras.applications' own layers that tfgraph has. */
  private static final Map<String, String> APPLICATION_LAYERS = Map.of("LayerScale", "keras.src.applications.convnext",
      "CustomScaleLayer", "keras.src.applications.inception_resnet_v2");
  /** The layers of the Python package tfgraph_keras, by type, with their module. */
  static final Map<String, String> TFGRAPH_KERAS = Map.of("TaylorExpansion", "tfgraph_keras.taylor",
      "PrototypeKernel", "tfgraph_keras.prototype", "BilinearPooling", "tfgraph_keras.bilinear", "SignedSqrt", "tfgraph_keras.bilinear",
      "L2Normalize", "tfgraph_keras.bilinear", "MatrixSqrt", "tfgraph_keras.matrix_sqrt", "SoftExponential", "tfgraph_keras.soft_exponential",
      "ImagePreprocessing", "tfgraph_keras.images", "RandomCrop", "tfgraph_keras.images");
  /** Activation names Keras 3 knows (keras.activations.get); tfgraph's others have no Keras counterpart. */
  private static final Set<String> KERAS_ACTIVATIONS = Set.of("linear", "relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "elu",
      "softplus", "leaky_relu", "relu6", "silu", "hard_sigmoid", "hard_silu", "hard_swish", "selu", "softsign");
  /** Spec keys that are no Keras config keys: the call's structure, written elsewhere. */
  private static final Set<String> STRUCTURE = Set.of("type", "name", "trainable", "inbound", "shares", "inference_mode");

  /**
   * The Keras class of one layer of a spec ({@code layer}: the layer's entry in {@code Model.config()}), its
   * weights at hand for the layers Keras keeps in its config (Normalization's mean and variance); null with
   * the reason added to {@code problems}.
   */
  static KerasClass of(JsonNode layer, Map<String, NpyArray> weights, List<String> problems) {
    String type = layer.path("type").asText();
    String name = layer.path("name").asText();
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("name", name);
    config.put("trainable", layer.path("trainable").asBoolean(true));
    config.put("dtype", "float32");
    layer.fields().forEachRemaining(e -> {
      if (!STRUCTURE.contains(e.getKey())) config.set(e.getKey(), e.getValue());
    });
    JsonNode activation = config.get("activation");
    if (activation != null && !KERAS_ACTIVATIONS.contains(activation.asText())) {
      problems.add("'" + name + "' " + type + ": activation \"" + activation.asText() + "\" has no Keras counterpart");
      return null;
    }
    if (KERAS_LAYERS.contains(type)) {
      Boolean training = null;
      if (type.equals("BatchNormalization") && layer.path("inference_mode").asBoolean(false)) training = false;
      if (type.equals("Normalization") && !normalization(config, name, weights, problems)) return null;
      return new KerasClass("keras.layers", type, null, config, training);
    }
    if (APPLICATION_LAYERS.containsKey(type)) return new KerasClass(APPLICATION_LAYERS.get(type), type, type, config, null);
    if (TFGRAPH_KERAS.containsKey(type)) {
      config.remove("dtype");   // the keys of the spec, as tfgraph_keras' get_config writes them
      return new KerasClass(TFGRAPH_KERAS.get(type), type, "tfgraph>" + type, config, null);
    }
    for (var e : LayerRegistry.kerasNames().entrySet()) {   // a plugin's layer that its factory maps from a Keras name
      if (e.getValue().equals(type)) {
        config.remove("dtype");
        String registered = e.getKey();
        int cut = registered.indexOf('>');
        return new KerasClass(cut > 0 ? registered.substring(0, cut) : null, cut > 0 ? registered.substring(cut + 1) : registered,
            registered, config, null);
      }
    }
    problems.add("'" + name + "' " + type + ": no Keras class (neither Keras nor tfgraph_keras has it, and no LayerFactory.kerasNames() maps one to it)");
    return null;
  }

  /**
   * Normalization: Keras' mean and variance in the config (Keras then creates no variables), from tfgraph's
   * weights; float32 values written as JSON numbers come back bit for bit.
   */
  private static boolean normalization(ObjectNode config, String name, Map<String, NpyArray> weights, List<String> problems) {
    NpyArray mean = weights.get(name + ".mean"), variance = weights.get(name + ".variance");
    if (mean == null || variance == null) {
      problems.add("'" + name + "' Normalization: the weights " + name + ".mean and " + name + ".variance are missing");
      return false;
    }
    var m = config.putArray("mean");
    for (float f : mean.toFloats()) m.add(f);
    var v = config.putArray("variance");
    for (float f : variance.toFloats()) v.add(f);
    config.put("invert", false);
    return true;
  }
}
