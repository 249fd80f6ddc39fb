package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Every layer type, activation, loss, metric, optimizer and Keras name that {@link LayerFactory}
 * providers on the class path register, the built-ins registered the same way: the graph module's
 * losses, metrics and optimizers by their packages' factories ({@link #GRAPH_BUILT_INS}), the
 * layers by tfgraph-layers' ({@link #BUILT_IN}). A name registered twice is an error naming both
 * classes. The built-ins are registered, first, even where {@code META-INF/services} files were not
 * merged (a fat jar keeps one of them): a built-in factory no service file names is loaded by name.
 * Each kind's lookup lives in its package ({@code loss.Losses}, {@code metric.Metrics},
 * {@code optim.Optimizer}); the registry holds what the factories registered.
 */
public final class LayerRegistry {
  /** The built-in layers' factory, in tfgraph-layers (named, not imported: graph knows no layer). */
  static final String BUILT_IN = "dev.tfgraph.layers.Layers";
  /** The graph module's built-in losses, metrics and optimizers (named, not imported: the kinds' packages sit above this one). */
  static final List<String> GRAPH_BUILT_INS = List.of("dev.tfgraph.graph.loss.BuiltInLosses",
      "dev.tfgraph.graph.metric.BuiltInMetrics", "dev.tfgraph.graph.optim.BuiltInOptimizers");

  record Registry(Map<String, String> owner, Map<String, LayerFactory.Parser> parsers, Map<String, ActivationFunction> activations, Map<String, Loss> losses,
      Map<String, Metric> metrics, Map<String, Supplier<UpdateRule>> optimizers, Map<String, String> kerasNames) {
    /** Refuses a registered name of {@code kind} that a built-in of that kind has, naming the factory. */
    void refuseBuiltInNames(String kind, java.util.function.Predicate<String> builtIn) {
      owner.forEach((key, by) -> {
        if (key.startsWith(kind + " ") && builtIn.test(key.substring(kind.length() + 1))) {
          throw new BadInputException(kind + " \"" + key.substring(kind.length() + 1) + "\" is registered by " + by + " but is a built-in "
              + kind + "'s name; rename it");
        }
      });
    }
  }

  private static Registry registry;
  private static RuntimeException failure;

  private LayerRegistry() {}

  private static synchronized Registry registry() {
    if (registry == null && failure == null) {
      try {
        registry = load(factories());
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) throw failure;
    return registry;
  }

  private static List<LayerFactory> factories() {
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
    for (String name : GRAPH_BUILT_INS) all.add(builtIn(name, found, loader, true));
    LayerFactory layers = builtIn(BUILT_IN, found, loader, false);
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

  /** The names of every factory, checked for names registered twice. */
  static Registry load(List<LayerFactory> factories) {
    Map<String, LayerFactory.Parser> parsers = new TreeMap<>();
    Map<String, ActivationFunction> activations = new LinkedHashMap<>(Activations.builtIns());
    Map<String, String> owner = new LinkedHashMap<>();
    activations.keySet().forEach(a -> owner.put("activation " + a, Activations.class.getName()));
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
      registered(f.activations(), by, "activations").forEach((name, a) -> {
        claim(owner, "activation \"" + name + "\"", by);
        activations.put(name, a);
      });
      registered(f.losses(), by, "losses").forEach((name, l) -> {
        claim(owner, "loss \"" + name + "\"", by);
        losses.put(name, l);
      });
      registered(f.metrics(), by, "metrics").forEach((name, m) -> {
        claim(owner, "metric \"" + name + "\"", by);
        metrics.put(name, m);
      });
      registered(f.optimizers(), by, "optimizers").forEach((name, o) -> {
        claim(owner, "optimizer \"" + name + "\"", by);
        optimizers.put(name, o);
      });
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
    return new Registry(Collections.unmodifiableMap(owner), Collections.unmodifiableMap(parsers), Collections.unmodifiableMap(activations),
        Collections.unmodifiableMap(losses), Collections.unmodifiableMap(metrics), Collections.unmodifiableMap(optimizers),
        Collections.unmodifiableMap(kerasNames));
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

  public static Set<String> types() {
    return registry().parsers().keySet();
  }

  /**
   * The layer type a Keras custom layer's registered name imports as: TYPE for {@code tfgraph>TYPE}, else the type a
   * factory's {@link LayerFactory#kerasNames()} maps it to; null when neither knows it.
   */
  public static String kerasType(String registeredName) {
    if (registeredName.startsWith("tfgraph>")) return registeredName.substring("tfgraph>".length());
    return registry().kerasNames().get(registeredName);
  }

  /** Every Keras registered name the factories map, to its layer type ({@code tfgraph>TYPE} names aside). */
  public static Map<String, String> kerasNames() {
    return registry().kerasNames();
  }

  /** Every activation by name: the contract's built-ins, then the registered ones. */
  public static Map<String, ActivationFunction> activations() {
    return registry().activations();
  }

  /** Every optimizer by name: the built-ins ({@code optim.Optimizer.KINDS}), then those plugins registered. */
  public static Map<String, Supplier<UpdateRule>> optimizers() {
    return registry().optimizers();
  }

  /** Every loss by name: the built-ins, then those plugins registered (the lookup is {@code loss.Losses.get}). */
  public static Map<String, Loss> losses() {
    return registry().losses();
  }

  /**
   * Every metric by name: the built-ins' names (accuracy as resolved for the default loss, mse, mae), then
   * those plugins registered (the lookup, which resolves a built-in against the run's loss, is {@code metric.Metrics.get}).
   */
  public static Map<String, Metric> metrics() {
    return registry().metrics();
  }

  /**
   * Refuses a name of {@code kind} ("loss", "metric", "optimizer") that a factory registered while a built-in of the
   * kind has it ({@code builtIn} tells), naming the factory: for built-in names no factory can list (the metrics'
   * {@code top_<k>_accuracy}); a listed built-in's name is refused when the registry loads ("registered twice").
   */
  public static void refuseBuiltInNames(String kind, java.util.function.Predicate<String> builtIn) {
    registry().refuseBuiltInNames(kind, builtIn);
  }

  /** Parses one layer config; {@code where} names its position, e.g. "layers[2]". */
  public static Layer fromConfig(JsonNode node, String where) {
    ConfigReader r = new ConfigReader(node, where);
    String type = r.string("type", null);
    LayerFactory.Parser p = registry().parsers().get(type);
    if (p == null) {
      throw new UnknownTypeException(where + ": unknown layer type \"" + type + "\"; expected one of " + types()
          + " (a layer of your own needs its jar on the class path)", type);
    }
    r = r.at(where + " (" + type + ")");
    String name = r.string("name", null);
    Checks.name(type + " at " + where, name);
    boolean trainable = r.bool("trainable", true);
    ConfigReader named = r.at(type + " '" + name + "'");
    Layer layer = p.parse(named, name, trainable);
    named.finish();
    return layer;
  }
}
