package dev.tfgraph.cli.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.model.Model;
import java.util.List;

/** An image folder's class names as the model's labels (docs/data-formats.md), when the spec has none. */
public final class ImageLabels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageLabels() {}

  /** The model with {@code classes} as labels if it has none; a spec's own labels are kept (a warning when they differ). */
  public static Model apply(Model m, List<String> classes) {
    if (classes == null) return m;
    if (m.labels() != null && !m.labels().isEmpty()) {
      if (!m.labels().equals(classes)) {
        System.err.println("tfgraph: warning: the spec's labels " + m.labels() + " are kept; the data's class folders are " + classes
            + " (label i is class folder i)");
      }
      return m;
    }
    try {
      ObjectNode cfg = (ObjectNode) JSON.readTree(m.config());
      ArrayNode labels = cfg.putArray("labels");
      classes.forEach(labels::add);
      return Model.fromConfig(cfg);   // the round trip is lossless (docs/model-spec.md)
    } catch (java.io.IOException e) {
      throw new IllegalStateException("model config is not JSON", e);
    }
  }
}
