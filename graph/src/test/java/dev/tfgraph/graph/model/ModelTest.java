package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

public class ModelTest {
  public static String spec(String layers) {
    return ("{'format_version': 1, 'name': 'm', 'input': {'name': 'x', 'shape': [null, 3], 'dtype': 'float32'}, "
        + "'labels': ['a', 'b', 'c'], 'layers': [" + layers + "]}").replace('\'', '"');
  }

  static void rejects(String json, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(json));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }

  @Test
  void specRoundTripsLosslessly() {
    Model m = Model.fromConfig(spec("{'type': 'Scale', 'name': 's1', 'width': 3}, {'type': 'Scale', 'name': 's2', 'width': 3, 'trainable': false}"));
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
    assertEquals(2, m.weights().size());
    assertEquals(false, m.weights().get(1).trainable());
    assertTrue(m.summary().contains("s2 (Scale)") && m.summary().contains("Trainable params: 3"), m.summary());
  }

  @Test
  void errorsNameLayerKeyExpectedAndReceived() {
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}, {'type': 'Scale', 'name': 's', 'width': 3}"), "duplicate layer name", "\"s\"");
    rejects(spec("{'type': 'Conv9D', 'name': 's'}"), "layers[0]", "unknown layer type", "Conv9D");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 4}"), "Scale 's'", "expected 4 features", "[None, 3]");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3, 'widht': 3}"), "Scale 's'", "unknown key", "widht");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': '3'}"), "Scale 's'", "width", "integer", "\"3\"");
    rejects(spec("{'type': 'Scale', 'name': 'a.b', 'width': 3}"), "name", "a.b");
    rejects(spec("{'type': 'Scale', 'width': 3}"), "name", "required");
    rejects(spec("").replace("\"format_version\": 1", "\"format_version\": 3"), "format_version 3", "newer");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("\"labels\"", "\"lables\""), "unknown key", "lables");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[\"a\", \"b\", \"c\"]", "[\"a\"]"), "labels has 1 names, expected 3");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[null, 3]", "[4, 3]"), "shape", "[null, positive integers");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("float32", "int8"), "dtype", "int8");
    rejects("{\"layers\": [", "not valid JSON", "line 1");
    rejects(spec(""), "layers must not be empty");
  }

  /** Declares one weight "w" of any shape (never allocated: only the model's size checks see it). */
  static final class Blob extends Layer {
    private final long[] shape;

    Blob(String name, long... shape) {
      super(name, true);
      this.shape = shape;
    }

    @Override public String type() { return "Blob"; }
    @Override protected void writeConfig(Map<String, Object> out) {}

    @Override
    protected Shape computeBuild(Shape input) {
      addWeight("w", shape, true, Initializer.zeros());
      return input;
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      return x;
    }
  }

  static Model.Builder blobs(long[]... shapes) {
    Model.Builder b = Model.builder("m", "x", 3);
    for (int i = 0; i < shapes.length; i++) b.add(new Blob("b" + i, shapes[i]));
    return b;
  }

  static void refuses(Model.Builder b, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, b::build);
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }

  @Test
  void eachWeightIsBoundedWhenDeclared() {
    refuses(blobs(new long[] {1L << 31}), "Blob 'b0'", "weight w", "[2147483648]", "2,147,483,648", "2,147,483,639");
    // an element count past 2^63: no overflow, the same message
    refuses(blobs(new long[] {1L << 40, 1L << 40}), "Blob 'b0'", "weight w", "[1099511627776, 1099511627776]", "more than 2^63");
  }

  @Test
  void theWholeModelIsBoundedBeforeAnythingIsAllocated() {
    long max = Checks.MAX_WEIGHT_ELEMENTS;
    // 9 weights of 2^31 - 9 float32 elements: 77 GB, past the 16 GiB limit; the largest is named
    long[][] shapes = new long[9][];
    for (int i = 0; i < 9; i++) shapes[i] = new long[] {i == 4 ? max : max - 1};
    refuses(blobs(shapes), "model 'm'", "19,327,352,743 parameters", "float32", "17,179,869,184 (16 GiB)",
        "largest weight is b4.w [2147483639]", "Blob 'b4'");
    // within the static limit, past the heap: 8 bytes an element when initialised in Java
    Model m = blobs(new long[] {1000, 1000}, new long[] {10, 100}).build();
    assertEquals(1_001_000, m.parameterCount());
    BadInputException e = assertThrows(BadInputException.class, () -> m.checkSize(8_000_000));
    assertTrue(e.getMessage().contains("1,001,000 parameters take 8,008,000 bytes as Java doubles")
        && e.getMessage().contains("maximum heap of 8,000,000") && e.getMessage().contains("b0.w [1000, 1000]"), e.getMessage());
    m.checkSize(8_008_000);
  }

  @Test
  void summaryCountsExactlyAndNeverNegative() {
    Model m = blobs(new long[] {100000, 1000}, new long[] {1000}).build();
    assertTrue(m.summary().contains("Total params: 100,001,000"), m.summary());
    assertTrue(m.summary().contains("100000000"), m.summary());
  }

  @Test
  void inputsPastTheActivationLimitAreRefused() {
    String huge = spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[null, 3]", "[null, 2147483647, 2147483647, 3]");
    rejects(huge, "model 'm'", "input x", "[None, 2147483647, 2147483647, 3]", "more than 2^63", "268,435,456 (2^28)");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[null, 3]", "[null, 268435457]"), "input x", "268,435,457");
  }
}
