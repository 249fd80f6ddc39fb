package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tfgraph.graph.io.IoErrors;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.train.TrainResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The run's history as a JSON file, Keras' History written out: an array of one object per epoch
 * ({@link Epoch#toJson}: epoch, loss, metrics, val_loss and val_&lt;metric&gt;, learning
 * rate, seconds), a resumed run's earlier epochs first. It is rewritten after every epoch and at
 * the end (also for a run with nothing left to train), each time atomically: a reader, or a run
 * killed at any moment, sees the previous complete file or the new one, never a part. A file that
 * cannot be written fails the run (the epoch's checkpoint, written before, stays).
 */
public final class HistoryFile implements TrainingListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** @param file the JSON file written, replaced each time */
  public HistoryFile(Path file) {
    this.file = file;
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    write(fit);
  }

  @Override
  public void onFitEnd(Fit fit, Throwable failure) {
    if (failure == null) write(fit);
  }

  private void write(Fit fit) {
    ArrayNode a = JSON.createArrayNode();
    fit.history().forEach(e -> a.add(e.toJson(fit.heldOut())));
    try {
      byte[] bytes = (a.toPrettyString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      dev.tfgraph.graph.io.OutputFiles.write(file, bytes);
    } catch (IOException e) {
      throw new RunFailedException("cannot write the history file " + file + ": " + IoErrors.describe(file, e), e);
    }
  }
}
