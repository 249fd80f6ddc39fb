package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.LayerRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One Keras layer's config as a tfgraph layer config: the section-2 layer of the same name, with
 * Keras' keys kept, renamed, ignored (dtype policies, initializers, regularizers and constraints,
 * which change nothing at inference), accepted only at Keras' default, or refused. Every key not
 * listed for a class is refused too, so that a key a newer Keras adds is never silently dropped.
 * Problems are collected, not thrown: the caller lists every offending layer in one line.
 */
final class KerasLayers {
  private KerasLayers() {}

  /** What a Keras layer became: its tfgraph config (without name and inbound), and Normalization's mean/variance from the config. */
  record Mapped(ObjectNode config, double[] configMean, double[] configVariance, boolean dropsCount) {}

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

  /** The tfgraph config of one Keras layer, or null with the reasons added to {@code problems}. */
  static Mapped map(String cls, JsonNode kerasConfig, List<String> problems) {
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
    Keys k = new Keys(cls, in, problems);
    out.put("type", cls);
    double[] mean = null, variance = null;
    boolean dropsCount = false;
    switch (cls) {
      case "Dense" -> {
        k.copy(out, "units");
        k.activation(out);
        k.copy(out, "use_bias");
        k.atDefault("quantization_config", null);
        k.atDefault("lora_rank", null);
        k.ignore("lora_alpha");
      }
      case "Conv2D" -> {
        k.copy(out, "filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias");
        JsonNode groups = k.take("groups");
        if (groups != null && !groups.isNull() && !(groups.isIntegralNumber() && groups.asLong() == 1)) out.set("groups", groups);
        k.activation(out);
        k.channelsLast();
        k.atDefault("quantization_config", null);
        k.atDefault("lora_rank", null);
        k.ignore("lora_alpha");
      }
      case "MaxPooling2D", "AveragePooling2D" -> {
        k.copy(out, "pool_size", "strides", "padding");
        k.channelsLast();
      }
      case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> {
        k.channelsLast();
        k.copy(out, "keepdims");
      }
      case "DepthwiseConv2D" -> {
        k.copy(out, "kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate", "use_bias");
        k.activation(out);
        k.channelsLast();
        k.atDefault("groups", 1);   // tf.keras writes its Conv base's groups
      }
      case "SeparableConv2D" -> {
        k.copy(out, "filters", "kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate", "use_bias");
        k.activation(out);
        k.channelsLast();
        k.atDefault("groups", 1);   // tf.keras writes its Conv base's groups
      }
      case "ReLU" -> k.copy(out, "max_value", "negative_slope", "threshold");
      case "LeakyReLU" -> {
        k.copy(out, "negative_slope");
        JsonNode alpha = k.take("alpha");   // Keras 2's name of the slope
        if (alpha != null && !alpha.isNull()) out.set("negative_slope", alpha);
      }
      case "Softmax" -> k.copy(out, "axis");
      case "LayerNormalization" -> {
        JsonNode axis = k.take("axis");
        if (axis != null && axis.isArray() && axis.size() == 1) axis = axis.get(0);
        if (axis != null && !axis.isNull()) out.set("axis", axis);
        k.copy(out, "epsilon", "center", "scale");
        k.atDefault("rms_scaling", false);
      }
      case "Cropping2D" -> {
        k.copy(out, "cropping");
        k.channelsLast();
      }
      case "BatchNormalization" -> {
        k.copy(out, "epsilon", "momentum", "center", "scale", "axis");
        k.atDefault("renorm", false);
        k.atDefault("renorm_clipping", null);
        k.ignore("renorm_momentum", "synchronized");
      }
      case "Activation" -> k.activation(out);
      case "Dropout" -> {
        k.copy(out, "rate", "noise_shape");
        k.ignore("seed");   // draws of training only; tfgraph seeds its own
      }
      case "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D" -> {   // one draw per channel: Dropout over [b, 1, ..., C]
        out.put("type", "Dropout");
        k.copy(out, "rate");
        var shape = out.putArray("noise_shape").addNull();
        for (int i = 0; i < cls.charAt(14) - '0'; i++) shape.add(1);
        shape.addNull();
        k.channelsLast();
        k.ignore("seed");
      }
      case "RandomFlip" -> {   // the identity at inference, as Keras; mirrors in training
        k.copy(out, "mode");
        JsonNode seed = k.take("seed");
        if (seed != null && !seed.isNull()) out.set("seed", seed);
        k.channelsLast();
      }
      case "Flatten" -> k.channelsLast();
      case "Reshape" -> k.copy(out, "target_shape");
      case "ZeroPadding2D" -> {
        k.copy(out, "padding");
        k.channelsLast();
      }
      case "Add", "Subtract", "Multiply", "Average", "Maximum" -> { }
      case "LayerScale" -> k.copy(out, "init_values", "projection_dim");   // keras.src.applications.convnext
      case "CustomScaleLayer" -> k.copy(out, "scale");                     // keras.src.applications.inception_resnet_v2
      case "Concatenate" -> k.copy(out, "axis");
      case "Rescaling" -> {
        for (String key : new String[] {"scale", "offset"}) {
          JsonNode v = k.take(key);
          if (v == null || v.isNull()) continue;
          if (v.isNumber() || numbers(v) != null && v.size() > 0) out.set(key, v);
          else k.problem(key + " " + shorten(v) + " (a number or a flat list of numbers, one per channel, is supported)");
        }
      }
      case "Normalization" -> {
        JsonNode axis = k.take("axis");
        if (axis != null && axis.isArray() && axis.size() == 1) axis = axis.get(0);
        if (axis == null || !axis.isIntegralNumber()) k.problem("axis " + axis + " (only the last axis, -1, is supported)");
        else out.set("axis", axis);
        k.atDefault("invert", false);
        JsonNode m = k.take("mean"), v = k.take("variance");
        if (m != null && !m.isNull()) {
          mean = numbers(m);
          variance = v == null ? null : numbers(v);
          if (mean == null || variance == null) k.problem("mean and variance " + m + ", " + v + " (expected numbers or flat lists of numbers)");
        } else {
          dropsCount = true;
        }
      }
      default -> {
        problems.add(cls + ": no tfgraph layer of that class (tfgraph imports " + String.join(", ", supported())
            + ", and Keras' random augmentation and noise layers)");
        return null;
      }
    }
    k.finish();
    return new Mapped(out, mean, variance, dropsCount);
  }

  /**
   * A custom Keras layer (registered name {@code registered}) as tfgraph's layer {@code type}: its config keys
   * as they are, Keras' own name, trainable and dtype aside (the tfgraph layer checks the rest when it builds).
   */
  static Mapped custom(String registered, String type, JsonNode kerasConfig, List<String> problems) {
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
      problems.add(registered + ": dtype " + shorten(in.get("dtype")) + " (a float policy is expected)");
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

  /** Whether a Keras dtype (a string, or a DTypePolicy object) is a floating-point policy (computed in float32 here). */
  static boolean floatPolicy(JsonNode dtype) {
    if (dtype == null || dtype.isNull()) return true;
    if (dtype.isTextual()) return FLOAT_POLICIES.contains(dtype.asText());
    JsonNode name = dtype.path("config").path("name");
    return name.isTextual() && FLOAT_POLICIES.contains(name.asText());
  }

  private static double[] numbers(JsonNode n) {
    if (n.isNumber()) return new double[] {n.asDouble()};
    if (!n.isArray()) return null;
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) {
      if (!n.get(i).isNumber()) return null;
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  /** A Keras config read key by key; what is left at the end is refused unless it is ignored everywhere. */
  private static final class Keys {
    private final String cls;
    private final ObjectNode in;
    private final List<String> problems;
    /** Read for every class: batch_input_shape is Keras 2's input shape on a first layer, read (or ignored) by the model's input. */
    private final Set<String> seen = new LinkedHashSet<>(List.of("name", "trainable", "batch_input_shape"));
    private final List<String> mine = new ArrayList<>();

    Keys(String cls, ObjectNode in, List<String> problems) {
      this.cls = cls;
      this.in = in;
      this.problems = problems;
      JsonNode dtype = take("dtype");
      if (!floatPolicy(dtype)) problem("dtype " + dtype + " (a float policy is expected)");
    }

    JsonNode take(String key) {
      seen.add(key);
      return in.get(key);
    }

    void ignore(String... keys) {
      seen.addAll(List.of(keys));
    }

    void problem(String what) {
      mine.add(what);
    }

    void copy(ObjectNode out, String... keys) {
      for (String key : keys) {
        JsonNode v = take(key);
        if (v != null && !v.isNull()) out.set(key, v);
      }
    }

    void activation(ObjectNode out) {
      JsonNode a = take("activation");
      if (a == null || a.isNull()) return;
      if (!a.isTextual()) {
        problem("activation " + shorten(a) + " (a custom activation function: Python code is never run)");
        return;
      }
      String name = a.asText();
      if (!LayerRegistry.activations().containsKey(name)) {
        problem("activation \"" + a.asText() + "\" (tfgraph has " + LayerRegistry.activations().keySet() + ")");
        return;
      }
      out.put("activation", name);
    }

    void channelsLast() {
      atDefault("data_format", "channels_last");
    }

    /** A key accepted only at Keras' default value (absent or null counts as the default when the default is null). */
    void atDefault(String key, Object dflt) {
      JsonNode v = take(key);
      if (v == null) return;
      boolean ok = dflt == null ? v.isNull()
          : dflt instanceof Boolean b ? v.isBoolean() && v.asBoolean() == b
          : dflt instanceof Integer i ? v.isIntegralNumber() && v.asLong() == i
          : v.isTextual() && v.asText().equals(dflt) || v.isNull() && dflt.equals("channels_last");
      if (!ok) problem(key + " " + shorten(v) + " (only Keras' default " + (dflt == null ? "null" : dflt) + " is supported)");
    }

    void finish() {
      for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (seen.contains(key) || key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint")) continue;
        problem("key " + key + " (not known to tfgraph's importer)");
      }
      if (!mine.isEmpty()) problems.add(cls + ": " + String.join(", ", mine));
    }
  }

  static String shorten(JsonNode v) {
    String s = v.toString();
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
