package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** --input-shape NAME=d1,d2,...: the sizes a Keras file leaves unknown, once per input (commands that read --keras). */
public final class InputShapeOption {
  @Option(names = "--input-shape", paramLabel = "NAME=D1,D2,...",
      description = "with --keras: the sizes after the batch axis of an input whose size the file leaves unknown (keras.Input((None, None, 3))), once per such input, e.g. image=224,224,3")
  public List<String> values;

  /** Refuses the option on a command line that reads no Keras file. */
  public void requireKeras(boolean keras) {
    if (!keras && values != null) throw new BadInputException("--input-shape applies to --keras only");
  }

  /** Keras input name to sizes; empty without the option. */
  public Map<String, long[]> shapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (values == null) return out;
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) throw new BadInputException("--input-shape " + v + ": expected NAME=D1,D2,... (e.g. image=224,224,3)");
      String name = v.substring(0, eq);
      String[] parts = v.substring(eq + 1).split(",", -1);
      long[] dims = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          dims[i] = NumberConverters.checkLong(parts[i], 1, Integer.MAX_VALUE);
        } catch (picocli.CommandLine.TypeConversionException e) {
          throw new BadInputException("--input-shape " + v + ": size " + (i + 1) + ": " + e.getMessage());
        }
      }
      if (out.put(name, dims) != null) throw new BadInputException("--input-shape names " + name + " twice");
    }
    return out;
  }
}
