package dev.tfgraph.layers.keras.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.layers.keras.file.KerasFormat;
import java.util.List;
import java.util.Set;

/**
 * One Keras layer's config as a tfgraph layer config: the tfgraph layer of the same name (docs/layers.md), with
 * Keras' keys kept, renamed, ignored (dtype policies, initializers, regularizers and constraints,
 * which change nothing at inference), accepted only at Keras' default, or refused. Every key not
 * listed for a class is refused too, so that a key a newer Keras adds is never silently dropped.
 * Problems are collected, not thrown: the caller lists every offending layer in one line.
 *
 * <p>This class holds the refusals that come before any key is read, custom layers and the checks the
 * other readers share; {@link KerasLayerMappings} holds each class's keys, {@link KerasConfigKeys} reads them.
 *
 * <p>Internal to the Keras importer of tfgraph-layers (public for its package): not an API.
 */
public final class KerasLayers {
  private KerasLayers() {}

  /**
   * What a Keras layer became.
   *
   * @param config its tfgraph layer config, without name and inbound
   * @param configMean Normalization's mean when its config holds it (a number or one per channel), else null
   * @param configVariance Normalization's variance when its config holds it, else null
   * @param dropsCount whether the layer's weights in the file carry one more entry (an adapted
   *     Normalization's count) that tfgraph does not keep
   */
  public record Mapped(ObjectNode config, double[] configMean, double[] configVariance, boolean dropsCount) {}

  /** Recurrent and attention layers: named so that the refusal says what they are. */
  private static final Set<String> RECURRENT = Set.of("LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D",
      "ConvLSTM3D", "LSTMCell", "GRUCell", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed", "CuDNNLSTM", "CuDNNGRU");
  private static final Set<String> ATTENTION = Set.of("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupedQueryAttention");
  static final Set<String> MERGE = Set.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate");
  /**
   * Layers whose output at inference is their input (Keras 3.15's random augmentation and noise layers, checked
   * against Keras' predict): imported as the identity, so tfgraph's training does not augment through them
   * (RandomFlip, which tfgraph has, imports as itself).
   */
  static final Set<String> INFERENCE_IDENTITY = Set.of("RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
      "RandomBrightness", "RandomCrop", "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomShear",
      "RandomColorJitter", "RandomColorDegeneration", "RandomPosterization", "RandomErasing", "RandomGaussianBlur", "RandomInvert",
      "RandomPerspective", "RandomElasticTransform", "AugMix", "RandAugment", "CutMix", "MixUp", "GaussianNoise", "GaussianDropout",
      "AlphaDropout", "ActivityRegularization");
  private static final Set<String> FLOAT_POLICIES = Set.of("float32", "float16", "bfloat16", "float64", "mixed_float16", "mixed_bfloat16");

  /**
   * The tfgraph config of one Keras layer. Never throws for a bad layer: it records why.
   *
   * @param cls the Keras class name, e.g. "Conv2D"
   * @param kerasConfig the layer's Keras config object
   * @param problems receives one line per reason the layer cannot be imported
   * @return the mapped layer, or null when problems were added
   */
  public static Mapped map(String cls, JsonNode kerasConfig, List<String> problems) {
    if (cls.equals("Lambda")) {
      problems.add("Lambda: Python code is never run (rewrite it with built-in layers)");
      return null;
    }
    if (cls.equals("TFOpLambda") || cls.equals("SlicingOpLambda")) {   // tf.keras' record of a TensorFlow call on a Keras tensor
      problems.add(cls + ": tf.keras' record of the TensorFlow call " + kerasConfig.path("function").asText("?")
          + ", which tfgraph does not import (rebuild it with Keras layers: Rescaling for x * c or x + c, Cropping2D or Reshape for a slice)");
      return null;
    }
    if (RECURRENT.contains(cls)) {
      problems.add(cls + ": recurrent layers are not supported (serve a SavedModel written by model.export() instead)");
      return null;
    }
    if (ATTENTION.contains(cls)) {
      problems.add(cls + ": attention layers are not supported (serve a SavedModel written by model.export() instead)");
      return null;
    }
    if (!(kerasConfig instanceof ObjectNode in)) {
      problems.add(cls + ": its config is not a JSON object");
      return null;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (INFERENCE_IDENTITY.contains(cls)) {
      out.put("type", "Activation");
      out.put("activation", "linear");
      return new Mapped(out, null, null, false);
    }
    KerasConfigKeys k = new KerasConfigKeys(cls, in, problems);
    out.put("type", cls);
    return KerasLayerMappings.map(cls, k, out, problems);
  }

  /**
   * A custom Keras layer (registered name {@code registered}) as tfgraph's layer {@code type}: its config keys
   * as they are, Keras' own name, trainable and dtype aside (the tfgraph layer checks the rest when it builds).
   *
   * @param registered the class name the file registers, e.g. "tfgraph&gt;TaylorExpansion"
   * @param type the tfgraph layer type it maps to
   * @param kerasConfig the layer's Keras config object
   * @param problems receives one line per reason the layer cannot be imported
   * @return the mapped layer, or null when problems were added
   */
  public static Mapped custom(String registered, String type, JsonNode kerasConfig, List<String> problems) {
    if (!(kerasConfig instanceof ObjectNode in)) {
      problems.add(registered + ": its config is not a JSON object");
      return null;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("type", type);
    in.fields().forEachRemaining(e -> {
      if (!Set.of("name", "trainable", "dtype").contains(e.getKey())) out.set(e.getKey(), e.getValue());
    });
    if (!floatPolicy(in.get("dtype"))) {
      problems.add(registered + ": dtype " + KerasFormat.shorten(in.get("dtype")) + " (a float policy is expected)");
      return null;
    }
    return new Mapped(out, null, null, false);
  }

  /** The Keras classes this importer maps. */
  static List<String> supported() {
    return List.of("InputLayer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
        "BatchNormalization", "Activation", "Dropout", "Flatten", "Reshape", "ZeroPadding2D", "Add", "Subtract", "Multiply",
        "Average", "Maximum", "Concatenate", "Rescaling", "Normalization", "DepthwiseConv2D", "SeparableConv2D", "ReLU", "LeakyReLU",
        "Softmax", "LayerNormalization", "Cropping2D", "LayerScale", "CustomScaleLayer", "SpatialDropout1D", "SpatialDropout2D",
        "SpatialDropout3D", "RandomFlip");
  }

  /**
   * Whether a Keras dtype (a string, or a DTypePolicy object) is a floating-point policy (computed in float32 here).
   *
   * @param dtype the layer's dtype entry, or null
   * @return true for a float policy or none
   */
  public static boolean floatPolicy(JsonNode dtype) {
    if (dtype == null || dtype.isNull()) return true;
    if (dtype.isTextual()) return FLOAT_POLICIES.contains(dtype.asText());
    JsonNode name = dtype.path("config").path("name");
    return name.isTextual() && FLOAT_POLICIES.contains(name.asText());
  }
}
