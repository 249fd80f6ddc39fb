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

/**
 * Variables of a loaded SavedModel, and its weights keyed by tfgraph's weight names
 * ({@code <layer>.<weight>}, as docs/savedmodel-layout.md describes).
 */
public final class SavedModelInfo {
  private SavedModelInfo() {}

  /**
   * The model's variables (VariableV2 operations) and their shapes.
   *
   * @param b the loaded SavedModel
   * @return variable name to shape, in graph order
   */
  public static Map<String, long[]> variables(SavedModelBundle b) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Iterator<GraphOperation> it = b.graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) out.put(op.name(), op.output(0).shape().asArray());
    }
    return out;
  }

  /**
   * Reads every variable's value, keyed {@code <layer>.<weight>}: the exported spec maps
   * variables to weights when present; otherwise a variable's first "__" becomes ".".
   *
   * @param p an open predictor
   * @return the weights as float arrays with the variables' shapes, in graph order
   * @throws dev.tfgraph.graph.BadInputException when the exported spec does not build a model
   */
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
