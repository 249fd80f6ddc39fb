package dev.tfgraph.graph;

import dev.tfgraph.graph.activation.Activations;
import dev.tfgraph.graph.optim.Optimizer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;
import org.junit.jupiter.api.Test;

class LayerRegistryTest {
  static final class Mine implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return Map.of("Mine", (c, n, t) -> null);
    }

    @Override
    public Map<String, ActivationFunction> activations() {
      return Map.of("cube", new ActivationFunction() {
        public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) {
          return tf.math.mul(x, tf.math.mul(x, x));
        }
      });
    }
  }

  static final class Theirs implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return Map.of("Mine", (c, n, t) -> null);
    }
  }

  static final class Relu implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return Map.of();
    }

    @Override
    public Map<String, ActivationFunction> activations() {
      return Map.of("relu", Activations.builtIns().get("linear"));
    }
  }

  @Test
  void aTypeRegisteredTwiceNamesBothClasses() {
    BadInputException e = assertThrows(BadInputException.class, () -> LayerRegistry.load(List.of(new Mine(), new Theirs())));
    assertTrue(e.getMessage().contains("layer type \"Mine\" is registered twice")
        && e.getMessage().contains(Mine.class.getName()) && e.getMessage().contains(Theirs.class.getName()), e.getMessage());
  }

  @Test
  void anActivationRegisteredTwiceNamesBothClasses() {
    BadInputException e = assertThrows(BadInputException.class, () -> LayerRegistry.load(LayerRegistry.withBuiltIns(List.of(new Relu()), LayerRegistryTest.class.getClassLoader())));
    assertTrue(e.getMessage().contains("activation \"relu\" is registered twice")
        && e.getMessage().contains(dev.tfgraph.graph.activation.BuiltInActivations.class.getName()) && e.getMessage().contains(Relu.class.getName()), e.getMessage());
  }

  @Test
  void registeredActivationsJoinTheBuiltIns() {
    assertEquals(List.of("linear", "relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "elu", "softplus", "leaky_relu", "relu6", "silu",
        "hard_sigmoid", "hard_silu", "hard_swish", "selu", "softsign", "hard_sigmoid_legacy", "cube"),
        List.copyOf(LayerRegistry.load(LayerRegistry.withBuiltIns(List.of(new Mine()), LayerRegistryTest.class.getClassLoader())).activations().keySet()));
  }

  static final class Optimizers implements LayerFactory {
    final String name;

    Optimizers(String name) {
      this.name = name;
    }

    @Override
    public Map<String, Parser> parsers() {
      return Map.of();
    }

    @Override
    public Map<String, java.util.function.Supplier<dev.tfgraph.graph.UpdateRule>> optimizers() {
      return Map.of(name, dev.tfgraph.graph.optim.Sgd::new);
    }
  }

  @Test
  void anOptimizerJoinsTheBuiltInsUnlessItTakesOneOfTheirNames() {
    assertEquals(List.of("plain"), List.copyOf(LayerRegistry.load(List.of(new Optimizers("plain"))).optimizers().keySet()));
    // a built-in's name is refused by the optimizers' own lookup, naming the factory
    BadInputException e = assertThrows(BadInputException.class,
        () -> LayerRegistry.load(List.of(new Optimizers("adam"))).refuseBuiltInNames("optimizer", Optimizer.KINDS::contains));
    assertTrue(e.getMessage().contains("optimizer \"adam\" is registered by " + Optimizers.class.getName() + " but is a built-in optimizer's name"),
        e.getMessage());
    e = assertThrows(BadInputException.class, () -> Optimizer.Config.of("lion", 1e-3));
    assertTrue(e.getMessage().contains("kind must be one of [sgd, momentum, nesterov, adam, adamw") && e.getMessage().contains("\"lion\""),
        e.getMessage());
  }

  static final class NullParsers implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return null;
    }
  }

  static final class NullActivation implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return Map.of();
    }

    @Override
    public Map<String, ActivationFunction> activations() {
      java.util.Map<String, ActivationFunction> m = new java.util.HashMap<>();
      m.put("nothing", null);
      return m;
    }
  }

  /** Issue 25, item 9: a user's plugin that returns null is named, with the type, instead of a bare NullPointerException. */
  @Test
  void aPluginThatReturnsNullIsNamed() {
    BadInputException e = assertThrows(BadInputException.class, () -> LayerRegistry.load(List.of(new NullParsers())));
    assertTrue(e.getMessage().contains(NullParsers.class.getName() + ".parsers() returned null"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> LayerRegistry.load(List.of(new NullActivation())));
    assertTrue(e.getMessage().contains(NullActivation.class.getName() + ".activations() registers \"nothing\" as null"), e.getMessage());
    LayerFactory.Parser mine = LayerRegistry.load(List.of(new Mine())).parsers().get("Mine");
    ConfigReader config = new ConfigReader(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "layers[0]");
    e = assertThrows(BadInputException.class, () -> mine.parse(config, "m1", true));
    assertTrue(e.getMessage().contains(Mine.class.getName() + "'s parser for layer type \"Mine\" returned null for layer 'm1'"),
        e.getMessage());
  }

  /** A plugin that maps Keras registered names: each to one of the types some factory registers. */
  static final class KerasMapped implements LayerFactory {
    private final String type;
    private final Map<String, String> names;

    KerasMapped(String type, Map<String, String> names) {
      this.type = type;
      this.names = names;
    }

    KerasMapped(Map<String, String> names) {
      this("Mine", names);
    }

    @Override
    public Map<String, Parser> parsers() {
      return Map.of(type, (c, n, t) -> null);
    }

    @Override
    public Map<String, String> kerasNames() {
      return names;
    }
  }

  @Test
  void kerasNamesMapToRegisteredTypesOnly() {
    assertEquals(Map.of("MyPkg>Mine", "Mine"), LayerRegistry.load(List.of(new KerasMapped(Map.of("MyPkg>Mine", "Mine")))).kerasNames());
    BadInputException e = assertThrows(BadInputException.class,
        () -> LayerRegistry.load(List.of(new KerasMapped(Map.of("MyPkg>Other", "Other")))));
    assertTrue(e.getMessage().contains("maps Keras name \"MyPkg>Other\" to layer type \"Other\", which no factory registers"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> LayerRegistry.load(List.of(new KerasMapped(Map.of("tfgraph>Mine", "Mine")))));
    assertTrue(e.getMessage().contains("names starting tfgraph> are tfgraph's own"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> LayerRegistry.load(List.of(new KerasMapped(Map.of("MyPkg>Mine", "Mine")),
        new KerasMapped("Yours", Map.of("MyPkg>Mine", "Yours")))));
    assertTrue(e.getMessage().contains("is registered twice"), e.getMessage());
    assertEquals("Dense", LayerRegistry.kerasType("tfgraph>Dense"));
    assertEquals(null, LayerRegistry.kerasType("Nobody>Nothing"));
  }
}
