package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.UnknownTypeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph of layers declared as in Keras' functional API:
 * <pre>{@code
 * Functional f = Model.functional("residual");
 * Node x = f.input("x", 8), side = f.input("side", 3);
 * Node a = new Dense("a", 8, "relu").on(x);
 * Node res = new Add("res").on(x, a);
 * Model m = f.build(new Dense("head", 4, "softmax").on(new Concatenate("cat").on(res, side)));
 * }</pre>
 * Layers are kept in the order they were applied, which defines every inbound name above its use.
 * A layer applied again is shared, as in Keras: the model gets a layer {@code <name>_call<n>} (n = 2,
 * 3, ...) of the same type and config that {@code shares} its weights (its type must be registered,
 * as every layer a spec can name).
 */
public final class Functional implements Node.Owner {
  private final String name;
  private final List<InputSpec> inputs = new ArrayList<>();
  private final List<Layer> layers = new ArrayList<>();
  private final Map<String, List<String>> inbound = new LinkedHashMap<>();
  private final Map<String, String> shares = new LinkedHashMap<>();
  private String dtype = "float32";
  private List<String> labels;

  Functional(String name) {
    this.name = name;
  }

  /**
   * A model input of the model's dtype with this example shape (the batch axis is added).
   * @param inputName the input's signature name: 1-128 letters, digits, '_' or '-'
   * @param exampleShape one example's sizes, each positive, e.g. 28, 28, 1
   * @return the input's node
   * @throws BadInputException if the name or the shape is not valid
   */
  public Node input(String inputName, long... exampleShape) {
    inputs.add(new InputSpec(inputName, Shapes.batchOf(exampleShape), dtype));
    return new Node(this, inputName);
  }

  /**
   * The dtype of every input, float32 (default) or float64; set it before declaring inputs.
   * @param d "float32" or "float64"
   * @return this declaration
   * @throws BadInputException if d is neither
   * @throws IllegalStateException if an input is declared already
   */
  public Functional dtype(String d) {
    Checks.oneOf("model '" + name + "'", "dtype", d, InputSpec.DTYPES);
    if (!inputs.isEmpty()) throw new IllegalStateException("model '" + name + "': set dtype before declaring inputs");
    dtype = d;
    return this;
  }

  /**
   * The class names, in output order, recorded with the model (and its export).
   * @param l one name per output unit, or null for none
   * @return this declaration
   */
  public Functional labels(List<String> l) {
    labels = l;
    return this;
  }

  @Override
  public Node apply(Layer layer, Node... in) {
    if (in.length == 0) throw new BadInputException(layer.where() + ": applied to no node; expected " + layer.arity());
    Functional f = this;
    List<String> names = new ArrayList<>();
    for (Node n : in) {
      if (n.owner() != f) throw new BadInputException(layer.where() + ": node '" + n.name() + "' belongs to another model");
      names.add(n.name());
    }
    Layer applied = layer;
    if (f.inbound.containsKey(layer.name())) {
      if (f.shares.containsKey(layer.name())) throw new IllegalStateException(layer.where() + " is itself a shared call");
      applied = f.sharedCall(layer);
      f.shares.put(applied.name(), layer.name());
    }
    f.layers.add(applied);
    f.inbound.put(applied.name(), names);
    return new Node(f, applied.name());
  }

  /** A new layer of {@code layer}'s type and config named {@code <name>_call<n>}, the first n ≥ 2 not taken. */
  private Layer sharedCall(Layer layer) {
    java.util.Set<String> taken = new java.util.HashSet<>(inbound.keySet());
    inputs.forEach(i -> taken.add(i.name()));
    String n;
    int k = 2;
    do {
      n = layer.name() + "_call" + k++;
    } while (taken.contains(n));
    Map<String, Object> c = layer.config();
    c.put("name", n);
    try {
      return LayerRegistry.fromConfig(Model.JSON.valueToTree(c), layer.where() + " applied again");
    } catch (UnknownTypeException e) {
      throw new BadInputException(layer.where() + " is applied twice, which shares it through a copy of its config, but its type "
          + layer.type() + " is not registered; expected a registered layer type (LayerFactory)");
    }
  }

  /**
   * The model whose output is {@code output} (the last layer applied), built and checked.
   * @param output the node of the last layer applied
   * @return the model, its layers built
   * @throws BadInputException if the node belongs to another declaration, or the model does not build (e.g. an
   *     input shape that does not fit a layer)
   */
  public Model build(Node output) {
    if (output.owner() != this) throw new BadInputException("model '" + name + "': the output node belongs to another model");
    return new Model(name, inputs, labels, layers, inbound, shares, output.name());
  }
}
