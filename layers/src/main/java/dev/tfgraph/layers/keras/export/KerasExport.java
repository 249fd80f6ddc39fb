package dev.tfgraph.layers.keras.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.IoErrors;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.OutputFiles;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a tfgraph model and its weights as a Keras 3 {@code .keras} file, which {@code keras.saving.load_model}
 * opens (after {@code import tfgraph_keras} when tfgraph's own layers are in it) and {@link KerasModel#load}
 * reads back as the same model: a zip of {@code config.json} (a Functional model, {@link KerasFunctional}),
 * {@code metadata.json} (Keras' version, and under {@code "tfgraph"} the labels and provenance) and
 * {@code model.weights.h5} ({@link KerasWeightsOut}). A layer with no Keras class is refused, every such
 * layer named in one line. The file appears whole or not at all ({@link OutputFiles}).
 * docs/keras-export.md describes the mapping and the Python side.
 */
public final class KerasExport {
  /** The Keras version the file claims, the one tfgraph's files are checked against. */
  public static final String KERAS_VERSION = "3.15.1";
  /** The entries of a written file, in order. */
  public static final java.util.List<String> ENTRIES = java.util.List.of("metadata.json", "config.json", "model.weights.h5");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss", Locale.ROOT);

  private KerasExport() {}

  /**
   * Writes {@code model} with {@code weights} to the {@code .keras} file {@code out}, replacing it
   * atomically.
   *
   * @param model the model (any spec; every layer must have a Keras class)
   * @param weights every weight of the model, keyed {@code <layer>.<weight>}, shaped as the model declares
   * @param out the .keras file to write
   * @throws dev.tfgraph.graph.BadInputException when a layer has no Keras class (every one named)
   *     or the weights do not fit the model
   * @throws RunFailedException when the file cannot be written
   */
  public static void write(Model model, Map<String, NpyArray> weights, Path out) {
    write(model, weights, out, Map.of());
  }

  /**
   * As {@link #write(Model, Map, Path)}, with {@code provenance} kept in metadata.json under
   * {@code tfgraph.provenance.source}.
   *
   * @param model the model (any spec; every layer must have a Keras class)
   * @param weights every weight of the model, keyed {@code <layer>.<weight>}, shaped as the model declares
   * @param out the .keras file to write
   * @param provenance where the model and weights came from (JSON-serializable values)
   * @throws dev.tfgraph.graph.BadInputException when a layer has no Keras class (every one named)
   *     or the weights do not fit the model
   * @throws RunFailedException when the file cannot be written
   */
  public static void write(Model model, Map<String, NpyArray> weights, Path out, Map<String, Object> provenance) {
    JsonNode spec;
    try {
      spec = JSON.readTree(KerasModel.formatTwo(model));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    KerasFunctional f = KerasFunctional.of(model, spec, weights);
    byte[] config = bytes(f.root);
    byte[] metadata = bytes(metadata(model, provenance));
    Path h5 = null;
    try {
      h5 = privateTempFile();
      KerasWeightsOut.write(h5, model.name(), f.written, weights);
      byte[] weightsBytes = Files.readAllBytes(h5);
      OutputFiles.write(out, o -> {
        ZipOutputStream zip = new ZipOutputStream(o, StandardCharsets.UTF_8);
        entry(zip, ENTRIES.get(0), metadata);
        entry(zip, ENTRIES.get(1), config);
        entry(zip, ENTRIES.get(2), weightsBytes);
        zip.finish();
      });
    } catch (IOException e) {
      throw new RunFailedException("cannot write " + out + ": " + IoErrors.describe(out, e), e);
    } finally {
      if (h5 != null) h5.toFile().delete();
    }
  }

  /** jHDF writes to a file: a temporary one only its owner can read (the weights may be private). */
  private static Path privateTempFile() throws IOException {
    try {
      return Files.createTempFile("tfgraph-keras-out-", ".h5",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {   // no POSIX modes (Windows): the user's own temp folder
      return Files.createTempFile("tfgraph-keras-out-", ".h5");
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  /** Keras' metadata, and tfgraph's: the labels and where the model came from. */
  private static ObjectNode metadata(Model model, Map<String, Object> provenance) {
    ObjectNode m = JSON.createObjectNode();
    m.put("keras_version", KERAS_VERSION);
    m.put("date_saved", LocalDateTime.now(ZoneOffset.UTC).format(DATE));
    ObjectNode t = m.putObject("tfgraph");
    var labels = t.putArray("labels");
    if (model.labels() != null) model.labels().forEach(labels::add);
    ObjectNode p = t.putObject("provenance");
    p.put("written_by", "tfgraph");
    p.put("java_version", System.getProperty("java.version"));
    p.set("source", JSON.valueToTree(provenance));
    return m;
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
