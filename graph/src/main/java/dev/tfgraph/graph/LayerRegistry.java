package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every layer type available on the class path, from {@link LayerFactory} providers. */
public final class LayerRegistry {
  private static final Map<String, LayerFactory.Parser> PARSERS = load();

  private LayerRegistry() {}

  private static Map<String, LayerFactory.Parser> load() {
    Map<String, LayerFactory.Parser> all = new TreeMap<>();
    for (LayerFactory f : ServiceLoader.load(LayerFactory.class)) all.putAll(f.parsers());
    return all;
  }

  public static java.util.Set<String> types() {
    return PARSERS.keySet();
  }

  /** Parses one layer config; {@code where} names its position, e.g. "layers[2]". */
  public static Layer fromConfig(JsonNode node, String where) {
    ConfigReader r = new ConfigReader(node, where);
    String type = r.string("type", null);
    LayerFactory.Parser p = PARSERS.get(type);
    if (p == null) {
      throw new BadInputException(where + ": unknown layer type \"" + type + "\"; expected one of " + types());
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
