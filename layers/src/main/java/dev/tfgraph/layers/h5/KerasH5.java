package dev.tfgraph.layers.h5;

import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfBrokenLinkException;
import io.jhdf.exceptions.HdfInvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads weights of named layers of any model (Conv2D, BatchNormalization, Dense, ...) from a Keras
 * HDF5 weights file (model.save_weights / the keras.applications *_notop.h5 files, e.g. VGG16's and
 * ResNet50's) with jHDF. Keras 2 layout: a group per layer with attribute {@code weight_names}
 * naming its datasets ({@code conv1_conv/kernel:0}, {@code conv1_bn/gamma:0}, ...), matched to the
 * layer's weights by name (kernel, bias; gamma, beta, moving_mean, moving_variance), in order when
 * the names differ from tfgraph's. Keras 3 ({@code .weights.h5}, {@link Keras3}): Keras addresses a
 * layer by its class, not its name: {@code layers/conv2d/vars/0, 1}, {@code layers/conv2d_1/...}, the
 * k-th layer of that class in the model's layer order, weights in the layer's order (tfgraph declares
 * them in Keras' order). Conv kernels are [kh, kw, c_in, c_out] in both, as tfgraph's.
 * docs/keras-import.md describes both layouts. The file is untrusted input: see {@link #open}.
 */
public final class KerasH5 {
  private KerasH5() {}

  /**
   * Reads the weights of the given layers of a model, every one checked for shape.
   *
   * @param file a Keras 2 (.h5) or Keras 3 (.weights.h5) weights file
   * @param model the model the layers belong to (its layer order matters for Keras 3 files)
   * @param layerNames the layers to read, by name (Keras' names for a backbone)
   * @return the weights keyed {@code <layer>.<weight>}, float32, shaped as the model declares
   * @throws dev.tfgraph.graph.BadInputException when the file is not a readable HDF5 weights file,
   *     a layer or dataset is missing, a layer has the wrong number of weights, or a weight has the
   *     wrong shape or is not float
   */
  public static Map<String, NpyArray> read(Path file, Model model, List<String> layerNames) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (HdfFile h5 = Hdf5Guard.open(file, "a Keras .h5 weights file")) {
      Keras3 keras3 = Keras3.of(h5, model, layerNames, file);
      for (String name : layerNames) {
        Layer layer = model.layer(name);
        List<WeightSpec> specs = layer.weights();
        List<Dataset> found = keras3 != null ? keras3.datasets(name) : byName(datasets(h5, name, file), specs);
        if (found.size() != specs.size()) {
          throw new BadInputException(file + ": layer " + name + " has " + found.size() + " weights, expected "
              + specs.size() + " (" + specs.stream().map(WeightSpec::name).toList() + ")");
        }
        for (int i = 0; i < specs.size(); i++) {
          WeightSpec w = specs.get(i);
          Dataset d = found.get(i);
          long[] dims = Arrays.stream(d.getDimensions()).asLongStream().toArray();
          if (!Arrays.equals(dims, w.shape().asArray())) {
            throw new BadInputException(file + ": " + d.getPath() + " (" + w.key() + ") has shape " + Arrays.toString(dims)
                + ", expected " + Arrays.toString(w.shape().asArray()));
          }
          out.put(w.key(), NpyArray.ofFloats(dims, floats(d, file)));
        }
      }
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException(file + ": not a readable Keras HDF5 weights file (" + Hdf5Guard.reason(e) + ")", e);
    }
    return out;
  }

  /** Keras 2: the datasets its {@code weight_names} attribute lists, in that order. */
  private static List<Dataset> datasets(HdfFile h5, String layer, Path file) {
    Node group = find(h5, layer);
    if (group == null) throw new BadInputException(file + ": missing weights of layer \"" + layer + "\"");
    Attribute names = group.getAttribute("weight_names");
    if (names == null) throw new BadInputException(file + ": group " + layer + " has no weight_names attribute");
    Object data = names.getData();
    String[] list = data instanceof String[] s ? s : new String[] {String.valueOf(data)};
    List<Dataset> out = new java.util.ArrayList<>();
    for (String n : list) {
      Node d = find(h5, layer + "/" + n);
      if (!(d instanceof Dataset ds)) throw new BadInputException(file + ": missing dataset " + layer + "/" + n);
      out.add(ds);
    }
    return out;
  }

  /** Keras 2 datasets reordered to the layer's weights when their names ("bn/gamma:0") are the weights' names. */
  private static List<Dataset> byName(List<Dataset> found, List<WeightSpec> specs) {
    Map<String, Dataset> named = new LinkedHashMap<>();
    for (Dataset d : found) {
      String n = d.getName();
      named.put(n.contains(":") ? n.substring(0, n.lastIndexOf(':')) : n, d);
    }
    if (named.size() != specs.size()) return found;
    List<Dataset> out = new java.util.ArrayList<>();
    for (WeightSpec w : specs) {
      Dataset d = named.get(w.name());
      if (d == null) return found;
      out.add(d);
    }
    return out;
  }

  /**
   * An HDF5 file opened as untrusted input (external links, external storage, link cycles and
   * truncation refused before anything is read); close it after use. {@code expected} says what the
   * file should have been, for the message when it is not HDF5.
   *
   * @param file the HDF5 file
   * @param expected what the file should be, e.g. "a Keras .h5 weights file"
   * @return the open file
   * @throws dev.tfgraph.graph.BadInputException when the file cannot be read, is not HDF5, or uses
   *     a refused feature
   */
  public static HdfFile open(Path file, String expected) {
    return Hdf5Guard.open(file, expected);
  }

  /**
   * The innermost reason of a failure of jHDF's, for a message.
   *
   * @param e the failure
   * @return a one-line reason
   */
  public static String reason(Throwable e) {
    return Hdf5Guard.reason(e);
  }

  /**
   * The object at {@code path}; other failures of jHDF's propagate.
   *
   * @param h5 the open file
   * @param path a '/'-separated path from the root group
   * @return the group or dataset, or null when there is none (or a soft link there leads nowhere)
   */
  public static Node find(HdfFile h5, String path) {
    try {
      return h5.getByPath(path);
    } catch (HdfInvalidPathException | HdfBrokenLinkException e) {
      return null;
    }
  }

  /**
   * A float dataset's values, float64 rounded to float32.
   *
   * @param d the dataset
   * @param file the file it is in, for messages
   * @return the values, flattened row-major
   * @throws dev.tfgraph.graph.BadInputException naming the dataset when it is empty, not float, or
   *     cannot be read
   */
  public static float[] floats(Dataset d, Path file) {
    String what = Hdf5Guard.path(d);
    if (d.isEmpty()) throw new BadInputException(file + ": dataset " + what + " holds no data (its storage was never written)");
    Object flat;
    try {
      flat = Hdf5Filters.read(d);
    } catch (RuntimeException e) {
      throw new BadInputException(file + ": dataset " + what + " cannot be read (" + Hdf5Guard.reason(e) + ")", e);
    }
    if (flat instanceof float[] f) return f;
    if (flat instanceof double[] dd) {
      float[] f = new float[dd.length];
      for (int i = 0; i < dd.length; i++) f[i] = (float) dd[i];
      return f;
    }
    throw new BadInputException(file + ": dataset " + what + " is not a float dataset (" + d.getJavaType().getSimpleName() + ")");
  }
}
