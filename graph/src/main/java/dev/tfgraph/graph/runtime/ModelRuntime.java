package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.family.TNumber;

/**
 * A {@link ModelGraph} with the session that runs it: weights in and out as arrays keyed
 * {@code <layer>.<weight>} (all or nothing), inference in batches through the one batched-fetch
 * loop ({@link BatchedRun}), and the move of the graph to other devices ({@link #relocate}).
 * Closing it closes the session and the graph.
 */
public final class ModelRuntime implements AutoCloseable {
  private final ModelGraph mg;
  private Session session;
  private BiConsumer<Session, Graph> closer = ModelRuntime::closeLocal;

  private ModelRuntime(ModelGraph mg) {
    this.mg = mg;
  }

  /**
   * The model's inference graph (what is exported) with its session open.
   * @param model a built model
   * @return the runtime, its weights not yet set (set or initialize them before predicting)
   */
  public static ModelRuntime inference(Model model) {
    return open(ModelGraph.inference(model), null);
  }

  /**
   * A session in this process on {@code mg} ({@code config} null: TF's defaults); closing the runtime closes
   * mg.
   * @param mg the model graph, complete
   * @param config the session's configuration, or null
   * @return the runtime
   */
  public static ModelRuntime open(ModelGraph mg, ConfigProto config) {
    ModelRuntime rt = unopened(mg);
    rt.open(config);
    return rt;
  }

  /**
   * A runtime whose session {@link #open} or {@link #relocate} opens later (once the whole graph is built).
   * @param mg the model graph
   * @return the runtime, without a session
   */
  public static ModelRuntime unopened(ModelGraph mg) {
    return new ModelRuntime(mg);
  }

  /**
   * Opens a session in this process.
   * @param config the session's configuration, or null for TF's defaults
   * @throws IllegalStateException if a session is open already
   */
  public void open(ConfigProto config) {
    if (session != null) throw new IllegalStateException("the session is open already");
    session = config == null ? new Session(mg.graph()) : new Session(mg.graph(), config);
  }

  /**
   * Moves the graph: re-imports it after {@code rewrite} (device placement), runs
   * {@code beforeOldCloses} (callers re-resolve their own handles with {@link ModelGraph#same}),
   * opens the session {@code open} gives for the new graph and closes the old session and graph.
   * {@code closer} closes the new session and graph (a remote session's close may need a bound).
   * @param rewrite changes the graph's definition, e.g. its ops' devices
   * @param open opens the session on the new graph
   * @param beforeOldCloses runs once the new graph exists and before the old one closes
   * @param closer closes the new session and graph when the runtime closes
   * @throws RuntimeException what open or beforeOldCloses throws; the old session and graph are closed all
   *     the same
   */
  public void relocate(UnaryOperator<GraphDef> rewrite, Function<Graph, Session> open, Runnable beforeOldCloses,
      BiConsumer<Session, Graph> closer) {
    Session oldSession = session;
    Graph old = mg.relocate(rewrite);
    try {
      beforeOldCloses.run();
      session = open.apply(mg.graph());
      this.closer = closer;
    } catch (RuntimeException e) {
      session = null;   // close() then closes the new graph alone
      throw e;
    } finally {
      if (oldSession != null) oldSession.close();
      old.close();
    }
  }

  /** @return the model graph */
  public ModelGraph graph() { return mg; }
  /** @return the model */
  public Model model() { return mg.model(); }
  /** @return the model's dtype class, TFloat32.class or TFloat64.class */
  public Class<? extends TNumber> type() { return mg.type(); }
  /** @return the session, or null before it opens */
  public Session session() { return session; }

  /**
   * Fresh initial values from each weight's initializer, seeded per (seed, weight key).
   * @param model a built model
   * @param seed the run's seed
   * @return float64 values by weight key, in the model's weight order
   */
  public static Map<String, NpyArray> initialValues(Model model, long seed) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    for (WeightSpec w : model.weights()) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + w.key().hashCode());
      out.put(w.key(), NpyArray.ofDoubles(w.shape().asArray(), w.init().values(w.shape().asArray(), rng)));
    }
    return out;
  }

  /**
   * {@link #initialValues(Model, long)} of this model.
   * @param seed the run's seed
   * @return float64 values by weight key
   */
  public Map<String, NpyArray> initialValues(long seed) {
    return initialValues(mg.model(), seed);
  }

  /**
   * Sets every weight to its initial value for {@code seed}.
   * @param seed the run's seed
   */
  public void initialize(long seed) {
    setWeights(initialValues(seed));
  }

  /**
   * Loads every weight at once: a missing key, an unknown key or a wrong shape names the key,
   * the expected and the received shape, and nothing is loaded.
   * @param weights every weight of the model by key ({@code <layer>.<weight>}), float32 or float64, finite
   * @throws BadInputException if a key is missing or unknown, or a shape, a dtype or a value does not fit
   */
  public void setWeights(Map<String, NpyArray> weights) {
    Model model = mg.model();
    WeightCheck.check(model, weights, "weights");
    if (mg.assigns().isEmpty()) return;   // a model without weights (Flatten, Activation): nothing to run
    Session.Runner r = session.runner();
    List<Tensor> feeds = new ArrayList<>();
    try {
      for (WeightSpec w : model.weights()) {
        NpyArray a = weights.get(w.key());
        Tensor t = a.kind() == NpyArray.Kind.FLOAT32 ? Tensors.of(mg.type(), w.shape(), a.toFloats())
            : Tensors.of(mg.type(), w.shape(), a.toDoubles());
        feeds.add(t);
        r.feed(mg.assignValue(w.key()), t);
      }
      for (Operation a : mg.assigns()) r.addTarget(a);
      r.run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /**
   * Every weight by its contract key, in the model's dtype.
   * @return the weights, in the model's weight order
   */
  public Map<String, NpyArray> weights() {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    List<WeightSpec> ws = mg.model().weights();
    if (ws.isEmpty()) return out;
    Session.Runner r = session.runner();
    for (WeightSpec w : ws) r.fetch(mg.variables().get(w.key()));
    try (Result res = r.run()) {
      for (int i = 0; i < ws.size(); i++) {
        WeightSpec w = ws.get(i);
        Tensor t = res.get(i);
        out.put(w.key(), mg.model().dtype().equals("float64")
            ? NpyArray.ofDoubles(w.shape().asArray(), Tensors.toDoubles(t))
            : NpyArray.ofFloats(w.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  /**
   * Inference on n examples of the only input (row-major), in batches; returns the outputs row-major.
   * @param x n examples of the input's shape, row-major
   * @param n the examples, at least 1
   * @param batchSize the examples per Session.run, at least 1
   * @return the outputs, [n, ...] row-major
   * @throws BadInputException if the model has several inputs, or n or batchSize is below 1
   */
  public float[] predict(float[] x, int n, int batchSize) {
    return predict(List.of(x), n, batchSize);
  }

  /**
   * Inference on n examples, one row-major array per model input (in its order), in batches.
   * @param xs n examples per input, row-major
   * @param n the examples, at least 1
   * @param batchSize the examples per Session.run, at least 1
   * @return the outputs, [n, ...] row-major
   * @throws BadInputException if the number of arrays is not the number of inputs, or n or batchSize is below
   *     1
   */
  public float[] predict(List<float[]> xs, int n, int batchSize) {
    return run(mg.output(), xs, n, batchSize);
  }

  /**
   * Any tensor of the graph on n examples of every input, in batches (e.g. a layer's input, to adapt it).
   * @param fetch a tensor of this graph, batch axis first
   * @param xs n examples per input, row-major
   * @param n the examples, at least 1
   * @param batchSize the examples per Session.run, at least 1
   * @return its values for the n examples, [n, ...] row-major
   * @throws BadInputException if the number of arrays is not the number of inputs, or n or batchSize is below
   *     1
   */
  public float[] run(org.tensorflow.Operand<?> fetch, List<float[]> xs, int n, int batchSize) {
    Model model = mg.model();
    if (xs.size() != model.inputs().size()) {
      throw new BadInputException("model '" + model.name() + "': " + xs.size() + " input arrays given, expected "
          + model.inputs().size());
    }
    List<BatchedRun.Feed> feeds = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) feeds.add(BatchedRun.Feed.of(mg.inputs().get(i), model.inputs().get(i).shape(), xs.get(i)));
    return BatchedRun.run(session, mg.type(), feeds, n, batchSize, BatchedRun.endpoint(fetch)).toFloats();
  }

  @Override
  public void close() {
    closer.accept(session, mg.graph());
  }

  private static void closeLocal(Session session, Graph graph) {
    if (session != null) session.close();
    graph.close();
  }
}
