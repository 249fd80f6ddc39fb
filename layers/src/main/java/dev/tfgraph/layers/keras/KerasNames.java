package dev.tfgraph.layers.keras;

import dev.tfgraph.layers.keras.file.KerasFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names the flattening of nested models ({@link KerasNesting}) gives layers: every name taken
 * so far, a nested layer's flattened name (its own when free, else {@code <model>_<name>}, then
 * {@code _2}, {@code _3}, ...; a later call's copy {@code <first name>_call<k+1>}), each rename
 * recorded, and the weights group ({@code conv2d}, {@code conv2d_1}, ...) of a layer's class.
 */
final class KerasNames {
  final List<KerasModel.Rename> renames = new ArrayList<>();
  final Set<String> taken = new HashSet<>();

  /**
   * One call of a nested model as its layers are copied: {@code k} (0 for the first), the path of names from the called
   * model down ({@code rel}), and the first call's flattened name of every layer ({@code first}, filled by call 0): a
   * later call's layers are copies named {@code <first name>_call<k+1>} that share the first call's weights.
   */
  record Call(int k, List<String> rel, Map<String, String> first) {
    static Call once() {
      return new Call(0, List.of(), new HashMap<>());
    }

    Call into(String model) {
      List<String> r = new ArrayList<>(rel);
      r.add(model);
      return new Call(k, r, first);
    }

    String key(String inner) {
      return String.join("/", rel) + "/" + inner;
    }
  }

  /** A nested layer's flattened name: the first call's (recorded), or for a later call {@code <first>_call<k+1>}. */
  String flatName(Call call, String model, List<String> path, String inner) {
    if (call.k() == 0) {
      String n = unique(model, path, inner);
      call.first().put(call.key(inner), n);
      return n;
    }
    String first = call.first().get(call.key(inner));
    String n = unique(first + "_call" + (call.k() + 1));
    taken.add(n);
    renames.add(new KerasModel.Rename("layer", String.join("/", path) + "/" + inner + " (call " + (call.k() + 1) + ")", n,
        "a later call of a shared nested model, sharing its weights"));
    return n;
  }

  String group(String cls, Map<String, Integer> classes) {
    int k = classes.merge(cls, 1, Integer::sum) - 1;
    String s = KerasFormat.snake(cls);
    return k == 0 ? s : s + "_" + k;
  }

  /** The inner name when free, else {@code <model>_<name>}, then with {@code _2}, {@code _3}, ...; the rename recorded. */
  String unique(String model, List<String> path, String kname) {
    String name = kname;
    if (taken.contains(name)) {
      String base = model + "_" + kname;
      name = base;
      for (int i = 2; taken.contains(name); i++) name = base + "_" + i;
      renames.add(new KerasModel.Rename("layer", String.join("/", path) + "/" + kname, name, "a nested model's layer whose name is taken"));
    }
    taken.add(name);
    return name;
  }

  String unique(String name) {
    String n = name;
    for (int i = 2; taken.contains(n); i++) n = name + "_" + i;
    return n;
  }
}
