package dev.tfgraph.export.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What tfgraph writes beside a SavedModel ({@code assets.extra/tfgraph.json}), read once and checked by the
 * {@link Predictor}: the model's spec, its class labels and the export's provenance.
 *
 * @param spec the model's spec (a JSON object with a non-empty layer list)
 * @param labels the class labels, or an empty list
 * @param provenance where the model came from (command, data, versions), or a missing node
 */
public record ExportRecord(JsonNode spec, List<String> labels, JsonNode provenance) {
  /** Where the record lives in a SavedModel folder. */
  public static final String FILE = "assets.extra/tfgraph.json";
  /** This tfgraph's version, as an export's provenance and a verified-model record name it. */
  public static final String TFGRAPH_VERSION = "0.1.0";

  /**
   * Copies the labels, so the record cannot change under its reader.
   *
   * @param spec the model's spec
   * @param labels the class labels, or an empty list
   * @param provenance where the model came from, or a missing node
   */
  public ExportRecord {
    labels = List.copyOf(labels);
  }

  /** The record of a tfgraph.json already checked to hold a spec. */
  static ExportRecord of(JsonNode info) {
    List<String> labels = new ArrayList<>();
    if (info.path("labels").isArray()) info.path("labels").forEach(n -> labels.add(n.asText()));
    return new ExportRecord(info.get("spec"), labels, info.path("provenance"));
  }

  /**
   * The spec's layers, in order.
   *
   * @return the spec's "layers" array (a missing node when the spec has none)
   */
  public JsonNode layers() {
    return spec.path("layers");
  }

  /**
   * The activation of the spec's last layer: tells whether the output is already probabilities.
   *
   * @return the activation name, or "" when the last layer has none
   */
  public String lastActivation() {
    JsonNode l = layers();
    return l.get(l.size() - 1).path("activation").asText("");
  }

  /**
   * The dtype of the model's (first) input.
   *
   * @return "float32" or "float64" (float32 when the spec does not say)
   */
  public String dtype() {
    JsonNode input = spec.path("inputs").isArray() ? spec.path("inputs").path(0) : spec.path("input");
    return input.path("dtype").asText("float32");
  }
}
