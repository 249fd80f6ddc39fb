package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of CONTRACT.md section 1 on how layers connect: one namespace for inputs and
 * layers, every inbound name defined above the layer that takes it (so no cycle can be written),
 * the inbound count each layer accepts, one output that is the last layer, and nothing computed
 * that is not used. Each error names the layer (or input), what was expected and what was received.
 */
final class Wiring {
  private Wiring() {}

  static void wire(Model m, Map<String, List<String>> inbound, String output) {
    String model = "model '" + m.name() + "'";
    Set<String> defined = new LinkedHashSet<>();
    for (InputSpec in : m.inputs()) {
      if (!defined.add(in.name())) throw new BadInputException(model + ": duplicate input name \"" + in.name() + "\"");
    }
    Set<String> layerNames = new HashSet<>();
    for (Layer l : m.layers()) {
      if (!layerNames.add(l.name())) throw new BadInputException(model + ": duplicate layer name \"" + l.name() + "\"");
      if (defined.contains(l.name())) {
        throw new BadInputException(model + ": layer " + l.where() + " has the name of an input (inputs and layers share one namespace)");
      }
    }
    for (String k : inbound.keySet()) {
      if (!layerNames.contains(k)) throw new BadInputException(model + ": inbound given for \"" + k + "\", which is not a layer");
    }
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < m.layers().size(); i++) position.put(m.layers().get(i).name(), i);
    Set<String> used = new HashSet<>();
    String previous = m.inputs().get(0).name();
    for (Layer l : m.layers()) {
      List<String> in = inbound.get(l.name());
      if (in == null && l == m.layers().get(0) && m.inputs().size() > 1) {
        throw new BadInputException(l.where() + ": no inbound given, and the model has " + m.inputs().size() + " inputs "
            + m.inputs().stream().map(InputSpec::name).toList() + "; expected inbound naming the ones it takes (the default is the only input)");
      }
      if (in == null) in = List.of(previous);
      if (in.size() < l.minInbound() || in.size() > l.maxInbound()) {
        throw new BadInputException(l.where() + ": expected " + l.arity() + ", received " + in.size() + " (inbound " + in + ")");
      }
      for (String n : in) {
        if (n.equals(l.name())) {
          throw new BadInputException(l.where() + ": inbound names the layer itself (a cycle); expected names defined above it");
        }
        if (!defined.contains(n)) {
          throw new BadInputException(l.where() + ": inbound \"" + n + "\" is "
              + (position.containsKey(n) ? "a layer listed after it (layers are listed so that every inbound name is defined above"
                  + " the layer that takes it; a cycle cannot be written)" : "neither a model input nor a layer")
              + "; expected one of " + new ArrayList<>(defined));
        }
        used.add(n);
      }
      m.setInbound(l.name(), in);
      defined.add(l.name());
      previous = l.name();
    }
    Layer last = m.layers().get(m.layers().size() - 1);
    if (output != null && !output.equals(last.name())) {
      String what = position.containsKey(output) ? "a layer before the last one" : defined.contains(output) ? "a model input"
          : "neither a model input nor a layer";
      throw new BadInputException(model + ": outputs names \"" + output + "\", " + what + "; expected the last layer, \""
          + last.name() + "\" (a layer listed after the output would be used by nothing)");
    }
    for (InputSpec in : m.inputs()) {
      if (!used.contains(in.name())) {
        throw new BadInputException(model + ": input '" + in.name() + "' is used by no layer; expected it in some layer's inbound");
      }
    }
    for (Layer l : m.layers()) {
      if (l != last && !used.contains(l.name())) {
        throw new BadInputException(l.where() + ": its output is used by no layer and it is not the model's output (\""
            + last.name() + "\"); expected it in a later layer's inbound");
      }
    }
  }
}
