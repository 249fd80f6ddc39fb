package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of docs/model-spec.md on how layers connect: one namespace for inputs and
 * layers, every inbound name defined above the layer that takes it (so no cycle can be written),
 * the inbound count each layer accepts, one output that is the last layer, and nothing computed
 * that is not used; and the rules of {@code shares} (a layer that uses an earlier layer's weights).
 * Each error names the layer (or input), what was expected and what was received.
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

  /** Keys of a layer's config that may differ between a layer and the layer it shares. */
  private static final List<String> OWN_KEYS = List.of("name", "trainable");

  /**
   * The rules of {@code shares} (docs/model-spec.md): each names a layer listed above the
   * sharing one, of the same type and the same config apart from name and trainable, that does not
   * itself share (a chain is refused with the name to give instead, so a spec has one way to say it).
   */
  static void share(Model m, Map<String, String> shares) {
    String model = "model '" + m.name() + "'";
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < m.layers().size(); i++) position.put(m.layers().get(i).name(), i);
    Set<String> inputs = new HashSet<>();
    for (InputSpec in : m.inputs()) inputs.add(in.name());
    for (Map.Entry<String, String> e : shares.entrySet()) {
      Integer at = position.get(e.getKey());
      if (at == null) throw new BadInputException(model + ": shares given for \"" + e.getKey() + "\", which is not a layer");
      Layer l = m.layers().get(at);
      String o = e.getValue();
      if (o == null) throw new BadInputException(l.where() + ": shares must name a layer, received null");
      Integer oat = position.get(o);
      if (o.equals(l.name())) {
        throw new BadInputException(l.where() + ": shares names the layer itself; expected an earlier layer whose weights it uses");
      }
      if (oat == null) {
        throw new BadInputException(l.where() + ": shares \"" + o + "\" is " + (inputs.contains(o) ? "a model input, not a layer"
            : "not a layer of the model") + "; expected the name of an earlier layer of type " + l.type());
      }
      if (oat > at) {
        throw new BadInputException(l.where() + ": shares \"" + o + "\", a layer listed after it; expected a layer listed above it"
            + " (move " + m.layers().get(oat).where() + " above it, or let it share " + l.where() + " instead)");
      }
      Layer orig = m.layers().get(oat);
      String chained = shares.get(o);
      if (chained != null) {
        throw new BadInputException(l.where() + ": shares \"" + o + "\", which itself shares \"" + chained
            + "\"; expected shares \"" + chained + "\" (the layer that holds the weights)");
      }
      if (!orig.type().equals(l.type()) || orig.getClass() != l.getClass()) {
        throw new BadInputException(l.where() + ": shares \"" + o + "\", which is of type " + orig.type()
            + "; expected a layer of type " + l.type() + " (a shared layer is one function applied at several places)");
      }
      List<String> diff = configDifference(orig, l);
      if (!diff.isEmpty()) {
        throw new BadInputException(l.where() + ": shares \"" + o + "\" but its config differs: " + String.join("; ", diff)
            + "; expected the same config apart from name, inbound, shares and trainable");
      }
    }
  }

  /** "units: 4 here, 3 in 'enc'" for every config key (name and trainable aside) that differs. */
  private static List<String> configDifference(Layer original, Layer l) {
    ObjectNode a = Model.JSON.valueToTree(original.config()), b = Model.JSON.valueToTree(l.config());
    Set<String> keys = new LinkedHashSet<>();
    a.fieldNames().forEachRemaining(keys::add);
    b.fieldNames().forEachRemaining(keys::add);
    List<String> diff = new ArrayList<>();
    for (String k : keys) {
      if (OWN_KEYS.contains(k)) continue;
      JsonNode x = a.get(k), y = b.get(k);
      if (x == null ? y != null : !x.equals(y)) {
        diff.add(k + ": " + y + " here, " + x + " in '" + original.name() + "'");
      }
    }
    return diff;
  }

  /**
   * A sharing layer's inbound must fit the shapes its original was built for (the original's call
   * was built for them): checked here so that the message names the sharing layer.
   */
  static void sameShapes(Layer l, Layer original, List<org.tensorflow.ndarray.Shape> in) {
    List<org.tensorflow.ndarray.Shape> want = original.inputShapes();
    boolean same = want != null && want.size() == in.size();
    for (int i = 0; same && i < in.size(); i++) same = Shapes.compatible(want.get(i), in.get(i));
    if (!same) {
      List<String> w = new ArrayList<>(), r = new ArrayList<>();
      if (want != null) want.forEach(s -> w.add(Shapes.show(s)));
      in.forEach(s -> r.add(Shapes.show(s)));
      throw new BadInputException(l.where() + ": shares \"" + original.name() + "\", built for inbound shapes " + w
          + "; expected the same shapes, received " + r);
    }
  }

  /** True when {@code m} is a plain chain with one input (written as a version-1 spec). */
  static boolean isChain(Model m) {
    if (m.inputs().size() != 1 || !m.shares.isEmpty()) return false;
    String previous = m.inputs().get(0).name();
    for (Layer l : m.layers()) {
      if (!m.inbound.get(l.name()).equals(List.of(previous))) return false;
      previous = l.name();
    }
    return true;
  }
}
