package dev.tfgraph.graph.train.feed;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches arrays to a model's inputs: one unnamed array (or one of any name) feeds a model of one
 * input; otherwise each array is named as the input it feeds, every input needs one, and an array
 * no input takes is an error. Every example shape must equal its input's.
 */
public final class DataAlignment {
  private DataAlignment() {}

  /**
   * The arrays in the model's input order, each named as its input.
   *
   * @param model the model fed
   * @param given the arrays, named by input (one unnamed array feeds a model of one input)
   * @param what the data's role, for messages
   * @return the arrays in the model's input order, each named as its input
   * @throws BadInputException when an input is missing, unknown, given twice or of another example shape
   */
  public static List<Dataset.Input> align(Model model, List<Dataset.Input> given, String what) {
    List<String> names = model.inputs().stream().map(InputSpec::name).toList();
    List<Dataset.Input> out = new ArrayList<>();
    if (model.inputs().size() == 1 && given.size() == 1) {
      Dataset.Input in = given.get(0);
      out.add(new Dataset.Input(names.get(0), in.x(), in.shape()));
    } else {
      Map<String, Dataset.Input> byName = new LinkedHashMap<>();
      for (Dataset.Input in : given) {
        if (in.name() == null) {
          throw new BadInputException(what + ": the model takes " + names.size() + " inputs " + names
              + "; expected one array per input, each named as its input (NAME=FILE.npy, or an .npz keyed by input names)");
        }
        if (!names.contains(in.name())) {
          throw new BadInputException(what + ": array \"" + in.name() + "\" is no input of the model; expected one of " + names);
        }
        byName.put(in.name(), in);
      }
      for (String n : names) {
        Dataset.Input in = byName.get(n);
        if (in == null) {
          throw new BadInputException(what + ": no array for the model's input \"" + n + "\"; expected one per input " + names
              + ", received " + new ArrayList<>(byName.keySet()));
        }
        out.add(in);
      }
    }
    for (int i = 0; i < out.size(); i++) {
      long[] want = Shapes.dims(model.inputs().get(i).shape());
      if (!Arrays.equals(want, out.get(i).shape())) {
        throw new BadInputException(what + ": examples of input " + names.get(i) + " have shape "
            + Arrays.toString(out.get(i).shape()) + ", expected " + Arrays.toString(want) + " (the model's input " + names.get(i) + ")");
      }
    }
    return out;
  }
}
