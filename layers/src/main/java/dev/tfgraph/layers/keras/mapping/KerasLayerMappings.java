package dev.tfgraph.layers.keras.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.layers.keras.file.KerasFormat;
import java.util.List;

/**
 * The keys of each Keras layer class that tfgraph maps ({@link KerasLayers#supported()}): for each class,
 * which keys are copied, renamed, ignored or accepted only at Keras' default, read through
 * {@link KerasConfigKeys}; and Normalization's mean and variance when its config holds them.
 */
final class KerasLayerMappings {
  private KerasLayerMappings() {}

  /** The tfgraph config {@code out} (its type already set) of a Keras layer of class {@code cls}, or null with the reason added to {@code problems}. */
  static KerasLayers.Mapped map(String cls, KerasConfigKeys k, ObjectNode out, List<String> problems) {
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
          else k.problem(key + " " + KerasFormat.shorten(v) + " (a number or a flat list of numbers, one per channel, is supported)");
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
        problems.add(cls + ": no tfgraph layer of that class (tfgraph imports " + String.join(", ", KerasLayers.supported())
            + ", and Keras' random augmentation and noise layers)");
        return null;
      }
    }
    k.finish();
    return new KerasLayers.Mapped(out, mean, variance, dropsCount);
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
}
