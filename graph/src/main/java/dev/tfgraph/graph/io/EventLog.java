package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * TensorBoard event files written by TF's own summary ops (CreateSummaryFileWriter,
 * WriteScalarSummary, WriteHistogramSummary) in a small graph of their own, so logging never
 * touches the training graph. Each call is one Session.run.
 */
public final class EventLog implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Placeholder<TFloat32> values;
  private final Op writeScalar, writeHistogram, flush, close;

  /**
   * Opens a writer of event files in a folder.
   * @param dir the folder, created if absent
   * @throws dev.tfgraph.graph.BadInputException if it cannot be created
   */
  public EventLog(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new BadInputException("cannot create log folder " + dir + ": " + IoErrors.describe(dir, e));
    }
    Ops tf = Ops.create(graph);
    SummaryWriter w = tf.summary.summaryWriter(SummaryWriter.sharedName("tfgraph_" + UUID.randomUUID().toString().replace("-", "")));
    Op create = tf.summary.createSummaryFileWriter(w, tf.constant(dir.toAbsolutePath().toString()), tf.constant(100),
        tf.constant(5000), tf.constant(".tfgraph"));
    step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    values = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    writeScalar = tf.summary.writeScalarSummary(w, step, tag, value);
    writeHistogram = tf.summary.writeHistogramSummary(w, step, tag, values);
    flush = tf.summary.flushSummaryWriter(w);
    close = tf.summary.closeSummaryWriter(w);
    session = new Session(graph);
    session.run(create);
  }

  /**
   * Writes one scalar (as float32).
   * @param name the tag, e.g. "train/loss"
   * @param at the global step
   * @param v the value
   */
  public void scalar(String name, long at, double v) {
    List<Tensor> feeds = new ArrayList<>();
    try {
      Tensor s = TInt64.scalarOf(at), t = TString.scalarOf(name), x = TFloat32.scalarOf((float) v);
      feeds.addAll(List.of(s, t, x));
      session.runner().feed(step, s).feed(tag, t).feed(value, x).addTarget(writeScalar).run();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /**
   * Writes one histogram.
   * @param name the tag, e.g. a weight's key
   * @param at the global step
   * @param data the values
   */
  public void histogram(String name, long at, float[] data) {
    try (Tensor s = TInt64.scalarOf(at); Tensor t = TString.scalarOf(name); Tensor x = TFloat32.vectorOf(data)) {
      session.runner().feed(step, s).feed(tag, t).feed(values, x).addTarget(writeHistogram).run();
    }
  }

  /** Flushes what is written to the event file. */
  public void flush() {
    session.run(flush);
  }

  @Override
  public void close() {
    try {
      session.run(close);
    } finally {
      session.close();
      graph.close();
    }
  }
}
