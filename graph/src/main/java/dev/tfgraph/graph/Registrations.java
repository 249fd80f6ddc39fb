package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * How {@link LayerRegistry} is filled: the {@link LayerFactory} providers on the class path, the
 * built-in factories first (loaded by name where no service file lists them), each factory's maps
 * checked (no null or blank name, no null value), every name claimed once, and a user's parser that
 * returns null named.
 */
final class Registrations {
  private Registrations() {}

  /** Every factory on the class path, the built-ins first. */
  static List<LayerFactory> factories() {
    List<LayerFactory> all = new ArrayList<>();
    try {
      for (LayerFactory f : ServiceLoader.load(LayerFactory.class, LayerRegistry.class.getClassLoader())) all.add(f);
    } catch (ServiceConfigurationError e) {
      throw new BadInputException("a layer factory on the class path cannot be loaded: " + e.getMessage());
    }
    return withBuiltIns(all, LayerRegistry.class.getClassLoader());
  }

  /**
   * The factories found, the built-in ones first (the graph module's, then the layers' when
   * tfgraph-layers is on the class path), each once: a built-in no service file listed is loaded by name.
   */
  static List<LayerFactory> withBuiltIns(List<LayerFactory> found, ClassLoader loader) {
    List<LayerFactory> all = new ArrayList<>();
    for (String name : LayerRegistry.GRAPH_BUILT_INS) all.add(builtIn(name, found, loader, true));
    LayerFactory layers = builtIn(LayerRegistry.BUILT_IN, found, loader, false);
    if (layers != null) all.add(layers);
    for (LayerFactory f : found) if (!all.contains(f)) all.add(f);
    return all;
  }

  /** The built-in factory of this class name: the one found, else a new one (null when optional and absent). */
  private static LayerFactory builtIn(String name, List<LayerFactory> found, ClassLoader loader, boolean required) {
    for (LayerFactory f : found) if (f.getClass().getName().equals(name)) return f;
    try {
      return (LayerFactory) Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      if (required) throw new IllegalStateException("the built-in factory " + name + " is missing from tfgraph-graph: " + e, e);
      return null;   // tfgraph-layers is not on the class path: only the user's own types exist
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("the built-in factory " + name + " cannot be loaded: " + e, e);
    }
  }

  /** The names of every factory, checked for names registered twice (and Keras names for a registered type). */
  static LayerRegistry.Registry load(List<LayerFactory> factories) {
    Map<String, LayerFactory.Parser> parsers = new TreeMap<>();
    Map<String, ActivationFunction> activations = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    Map<String, Loss> losses = new LinkedHashMap<>();
    Map<String, Metric> metrics = new LinkedHashMap<>();
    Map<String, Supplier<UpdateRule>> optimizers = new LinkedHashMap<>();
    Map<String, String> kerasNames = new TreeMap<>();
    for (LayerFactory f : factories) {
      String by = f.getClass().getName();
      registered(f.parsers(), by, "parsers").forEach((type, p) -> {
        claim(owner, "layer type \"" + type + "\"", by);
        parsers.put(type, nonNullResult(p, by, type));
      });
      take(f.activations(), by, "activations", "activation", owner, activations);
      take(f.losses(), by, "losses", "loss", owner, losses);
      take(f.metrics(), by, "metrics", "metric", owner, metrics);
      take(f.optimizers(), by, "optimizers", "optimizer", owner, optimizers);
      registered(f.kerasNames(), by, "kerasNames").forEach((name, type) -> {
        if (name.startsWith("tfgraph>")) {
          throw new BadInputException(by + ".kerasNames() maps \"" + name + "\": names starting tfgraph> are tfgraph's own (they import as the type after >)");
        }
        claim(owner, "Keras name \"" + name + "\"", by);
        kerasNames.put(name, type);
      });
    }
    kerasNames.forEach((name, type) -> {
      if (!parsers.containsKey(type)) {
        throw new BadInputException(owner.get("Keras name " + name) + ".kerasNames() maps Keras name \"" + name + "\" to layer type \"" + type
            + "\", which no factory registers; expected one of " + parsers.keySet());
      }
    });
    return new LayerRegistry.Registry(Collections.unmodifiableMap(owner), Collections.unmodifiableMap(parsers), Collections.unmodifiableMap(activations),
        Collections.unmodifiableMap(losses), Collections.unmodifiableMap(metrics), Collections.unmodifiableMap(optimizers),
        Collections.unmodifiableMap(kerasNames));
  }

  /** Claims each name a factory registers of one kind ({@code method}'s map) and adds it to that kind's map. */
  private static <V> void take(Map<String, V> m, String by, String method, String kind, Map<String, String> owner, Map<String, V> into) {
    registered(m, by, method).forEach((name, v) -> {
      claim(owner, kind + " \"" + name + "\"", by);
      into.put(name, v);
    });
  }

  /** What a factory registers of one kind: a map without null names or values, or bad input naming the factory. */
  private static <V> Map<String, V> registered(Map<String, V> m, String by, String kind) {
    if (m == null) throw new BadInputException(by + "." + kind + "() returned null; return an empty map to register no " + kind);
    Map<String, V> copy = new LinkedHashMap<>();
    try {
      m.forEach((name, v) -> {
        if (name == null || name.isBlank()) throw new BadInputException(by + "." + kind + "() registers a null or blank name");
        if (v == null) throw new BadInputException(by + "." + kind + "() registers \"" + name + "\" as null");
        copy.put(name, v);
      });
    } catch (NullPointerException e) {   // a map that cannot even be walked
      throw new BadInputException(by + "." + kind + "() returned a map that cannot be read: " + e, e);
    }
    return copy;
  }

  /** A user's parser that returns null would fail later, far from its cause: named here instead. */
  private static LayerFactory.Parser nonNullResult(LayerFactory.Parser p, String by, String type) {
    return (config, name, trainable) -> {
      Layer l = p.parse(config, name, trainable);
      if (l == null) throw new BadInputException(by + "'s parser for layer type \"" + type + "\" returned null for layer '" + name + "'");
      return l;
    };
  }

  private static void claim(Map<String, String> owner, String what, String by) {
    String key = what.replace("\"", "");
    String first = owner.putIfAbsent(key, by);
    if (first != null) {
      throw new BadInputException(what + " is registered twice: by " + first + " and by " + by
          + "; remove one of them from the class path");
    }
  }
}
