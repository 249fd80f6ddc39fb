package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** The graph module's built-in activations, losses, metrics and optimizers (named, not imported: the kinds' packages sit above this one). */
  static final List<String> GRAPH_BUILT_INS = List.of("dev.tfgraph.graph.activation.BuiltInActivations", "dev.tfgraph.graph.loss.BuiltInLosses",
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
        registry = load(Registrations.factories());
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) throw failure;
    return registry;
  }

  /**
   * The factories found, the built-in ones first (the graph module's, then the layers' when
   * tfgraph-layers is on the class path), each once: a built-in no service file listed is loaded by name.
   */
  static List<LayerFactory> withBuiltIns(List<LayerFactory> found, ClassLoader loader) {
    return Registrations.withBuiltIns(found, loader);
  }

  /** The names of every factory, checked for names registered twice. */
  static Registry load(List<LayerFactory> factories) {
    return Registrations.load(factories);
  }

  /**
   * {@return every registered layer type}
   * @throws RuntimeException the registry's loading failure (e.g. a name registered twice), on every call
   */
  public static Set<String> types() {
    return registry().parsers().keySet();
  }

  /**
   * The layer type a Keras custom layer's registered name imports as: TYPE for {@code tfgraph>TYPE}, else the type a
   * factory's {@link LayerFactory#kerasNames()} maps it to; null when neither knows it.
   *
   * @param registeredName a Keras registered name, e.g. "tfgraph>Dense" or "my_package>MyLayer"
   * @return the layer type, or null
   */
  public static String kerasType(String registeredName) {
    if (registeredName.startsWith("tfgraph>")) return registeredName.substring("tfgraph>".length());
    return registry().kerasNames().get(registeredName);
  }

  /** {@return every Keras registered name the factories map, to its layer type ({@code tfgraph>TYPE} names aside)} */
  public static Map<String, String> kerasNames() {
    return registry().kerasNames();
  }

  /** {@return every activation by name: the built-ins of docs/layers.md, then the registered ones} */
  public static Map<String, ActivationFunction> activations() {
    return registry().activations();
  }

  /** {@return every optimizer by name: the built-ins ({@code optim.Optimizer.KINDS}), then those plugins registered} */
  public static Map<String, Supplier<UpdateRule>> optimizers() {
    return registry().optimizers();
  }

  /** {@return every loss by name: the built-ins, then those plugins registered (the lookup is {@code loss.Losses.get})} */
  public static Map<String, Loss> losses() {
    return registry().losses();
  }

  /**
   * {@return every metric by name} The built-ins' names (accuracy as resolved for the default loss, mse, mae), then
   * those plugins registered (the lookup, which resolves a built-in against the run's loss, is {@code metric.Metrics.get}).
   */
  public static Map<String, Metric> metrics() {
    return registry().metrics();
  }

  /**
   * Refuses a name of {@code kind} ("loss", "metric", "optimizer") that a factory registered while a built-in of the
   * kind has it ({@code builtIn} tells), naming the factory: for built-in names no factory can list (the metrics'
   * {@code top_<k>_accuracy}); a listed built-in's name is refused when the registry loads ("registered twice").
   *
   * @param kind "loss", "metric" or "optimizer"
   * @param builtIn true for a built-in's name
   * @throws BadInputException naming the factory that registered such a name
   */
  public static void refuseBuiltInNames(String kind, java.util.function.Predicate<String> builtIn) {
    registry().refuseBuiltInNames(kind, builtIn);
  }

  /**
   * Parses one layer config; {@code where} names its position, e.g. "layers[2]".
   *
   * @param node the layer's JSON object: type, name, its own keys, trainable
   * @param where its position, for messages
   * @return the layer, not yet built
   * @throws UnknownTypeException when no factory registers the type
   * @throws BadInputException when a key is unknown, missing, or of the wrong type or value
   */
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
