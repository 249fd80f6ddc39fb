package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arrays an option names for a model's inputs (docs/training.md): one {@code FILE.npy}
 * for a model of one input (kept under the key null), {@code NAME=FILE.npy} once per input, or
 * one {@code .npz} keyed by input names.
 */
public final class NamedArrays {
  private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9_-]+)=(.+)");

  private NamedArrays() {}

  /** Each value's file, for output-path checks. */
  public static List<Path> files(List<String> values) {
    List<Path> out = new ArrayList<>();
    for (String v : values) out.add(parse(v).file());
    return out;
  }

  private record Value(String name, Path file) {}

  private static Value parse(String v) {
    Matcher m = NAMED.matcher(v);
    if (m.matches() && !Files.exists(Path.of(v))) return new Value(m.group(1), Path.of(m.group(2)));
    return new Value(null, Path.of(v));
  }

  /** Whether every value is a .npy file (which can be memory-mapped; an .npz cannot). */
  public static boolean allNpy(List<String> values) {
    return values.stream().allMatch(v -> parse(v).file().toString().endsWith(".npy"));
  }

  /** The .npy files by input name, memory-mapped (the key null: one unnamed array). */
  public static Map<String, dev.tfgraph.graph.io.MappedNpy> map(String option, List<String> values) {
    Map<String, dev.tfgraph.graph.io.MappedNpy> out = new LinkedHashMap<>();
    for (Value v : checked(option, values)) out.put(v.name(), dev.tfgraph.graph.io.MappedNpy.open(v.file()));
    return out;
  }

  /** The values parsed: one unnamed, or each NAME=FILE with a name of its own. */
  private static List<Value> checked(String option, List<String> values) {
    List<Value> vs = values.stream().map(NamedArrays::parse).toList();
    if (vs.size() > 1 && vs.stream().anyMatch(v -> v.name() == null)) {
      throw new BadInputException(option + " given " + vs.size() + " times: expected NAME=FILE.npy each time (one per model input), received "
          + values);
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Value v : vs) {
      if (v.name() != null && !names.add(v.name())) {
        throw new BadInputException(option + " names input \"" + v.name() + "\" twice; expected one NAME=FILE.npy per model input");
      }
    }
    return vs;
  }

  /** The arrays by input name (the key null: one unnamed array). */
  public static Map<String, NpyArray> read(String option, List<String> values) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    List<Value> vs = checked(option, values);
    boolean named = vs.stream().anyMatch(v -> v.name() != null);
    for (Value v : vs) {
      if (!named && v.file().toString().endsWith(".npz")) {
        out.putAll(Npz.read(v.file()));
        if (out.isEmpty()) throw new BadInputException(option + " " + v.file() + " holds no arrays; expected one per model input");
      } else {
        out.put(v.name(), Npy.read(v.file()));
      }
    }
    return out;
  }

  /**
   * The arrays keyed by the model's input names: an unnamed array, or an .npz of one array,
   * feeds a model of one input whatever its key.
   */
  public static Map<String, NpyArray> forInputs(Map<String, NpyArray> arrays, List<String> inputNames) {
    if (inputNames.size() == 1 && arrays.size() == 1) return Map.of(inputNames.get(0), arrays.values().iterator().next());
    if (arrays.containsKey(null)) {
      throw new BadInputException("the model takes " + inputNames.size() + " inputs " + inputNames
          + "; expected one array per input: NAME=FILE.npy once per input, or one .npz keyed by input names");
    }
    for (String k : arrays.keySet()) {
      if (!inputNames.contains(k)) throw new BadInputException("array \"" + k + "\" is no input of the model; expected one of " + inputNames);
    }
    return arrays;
  }
}
