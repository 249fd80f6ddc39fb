package dev.tfgraph.graph.train;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import org.tensorflow.Output;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;

/**
 * Where and how training steps run: in this process ({@link #local()}), or replicated data-parallel
 * on a cluster ({@code dev.tfgraph.graph.dist.DataParallel}). The trainer calls a strategy; a
 * strategy knows the model graph and the objective, never the trainer: a new replication scheme is
 * a new implementation of this interface and touches nothing else.
 */
public interface Strategy {
  /**
   * The training graph's runtime: with its session open, or unopened when {@link #open} places the graph first.
   *
   * @param model a built model
   * @param config the session's settings (threads, device)
   * @return the runtime of a training graph ({@link ModelGraph#training})
   */
  ModelRuntime graph(Model model, ConfigProto config);

  /**
   * Adds the training forward pass(es) to {@code mg} ({@link ModelGraph#addTrainingPass}) and the
   * objective over them: loss, each metric's batch mean, the gradient of each of {@code weights}, and the feeds
   * of one step.
   *
   * @param mg the training graph
   * @param weights the trainable weights' variables
   * @param loss the loss
   * @param metrics the metrics, in the run's order
   * @return the objective
   */
  Objective objective(ModelGraph mg, Output<?>[] weights, Loss loss, java.util.List<Metric> metrics);

  /** {@return how many shards a batch is split into: one per replica ({@link Objective#inputs()})} */
  int shards();

  /**
   * Once the whole training graph is built: opens {@code rt}'s session if {@link #graph} did not
   * (placing the graph first, {@link ModelRuntime#relocate}), and runs {@code reresolve} when
   * handles into the graph changed.
   *
   * @param rt the runtime {@link #graph} returned
   * @param config the session's settings
   * @param reresolve re-resolves the trainer's handles after a relocation
   */
  void open(ModelRuntime rt, ConfigProto config, Runnable reresolve);

  /** {@return options of each step's run (e.g. a timeout), or null} */
  RunOptions stepOptions();

  /**
   * The exception to throw for a TF failure during {@code what} (e.g. naming a task that died).
   *
   * @param what the phase, e.g. "training"
   * @param e TensorFlow's exception
   * @return the exception to throw: {@code e} itself in this process
   */
  RuntimeException failure(String what, TensorFlowException e);

  /** {@return the strategy of one process, one training pass on the model's inputs} */
  static Strategy local() {
    return Local.INSTANCE;
  }

  /** The in-process strategy. */
  final class Local implements Strategy {
    static final Local INSTANCE = new Local();

    private Local() {}

    @Override
    public ModelRuntime graph(Model model, ConfigProto config) {
      return ModelRuntime.open(ModelGraph.training(model), config);
    }

    @Override
    public Objective objective(ModelGraph mg, Output<?>[] weights, Loss loss, java.util.List<Metric> metrics) {
      return Objective.single(mg, weights, loss, metrics);
    }

    @Override
    public int shards() {
      return 1;
    }

    @Override
    public void open(ModelRuntime rt, ConfigProto config, Runnable reresolve) {}

    @Override
    public RunOptions stepOptions() {
      return null;
    }

    @Override
    public RuntimeException failure(String what, TensorFlowException e) {
      return e;
    }
  }
}
