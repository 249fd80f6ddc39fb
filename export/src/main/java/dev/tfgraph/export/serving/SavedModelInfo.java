package dev.tfgraph.export.serving;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Variables of a loaded SavedModel, and its weights by the contract's names. */
public final class SavedModelInfo {
  private SavedModelInfo() {}

  /** Variable op name to shape, in graph order. */
  public static Map<String, long[]> variables(SavedModelBundle b) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Iterator<GraphOperation> it = b.graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) out.put(op.name(), op.output(0).shape().asArray());
    }
    return out;
  }

  /** Weights keyed {@code <layer>.<weight>} (from the exported spec when present). */
  public static Map<String, NpyArray> weights(Predictor p) {
    Map<String, String> keyOf = new LinkedHashMap<>();
    if (p.record() != null) {
      Model m;
      try {
        m = Model.fromConfig(p.record().spec());
      } catch (dev.tfgraph.graph.BadInputException e) {
        throw new dev.tfgraph.graph.BadInputException(p.dir() + ": the spec in assets.extra/tfgraph.json does not build: " + e.getMessage(), e);
      }
      for (WeightSpec w : m.weights()) keyOf.put(w.varName(), w.key());
    }
    Map<String, long[]> vars = variables(p.bundle());
    List<String> names = new ArrayList<>(vars.keySet());
    Map<String, NpyArray> out = new LinkedHashMap<>();
    if (names.isEmpty()) return out;
    Session.Runner r = p.bundle().session().runner();
    names.forEach(r::fetch);
    try (Result res = r.run()) {
      for (int i = 0; i < names.size(); i++) {
        Tensor t = res.get(i);
        String key = keyOf.getOrDefault(names.get(i), names.get(i).replaceFirst("__", "."));
        out.put(key, NpyArray.ofFloats(t.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }
}
