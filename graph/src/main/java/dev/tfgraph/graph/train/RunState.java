package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.callbacks.CheckpointFolder;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.train.feed.Feed;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.runtime.WeightCheck;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * Every variable of a training run (the model's weights, then the optimizer's slots) as a
 * checkpoint holds them: set when a run starts (resumed from its last checkpoint, or initial, fresh
 * or adapted weights with zeroed slots), read and restored in the model's dtype. Restoring feeds the
 * slots through placeholders made once with the graph: no ops are added per restore, and float64
 * state goes in as float64, so a resumed run continues exactly.
 */
final class RunState {
  private final ModelRuntime rt;
  private final ModelGraph mg;
  private final List<String> keys = new ArrayList<>();
  private final List<Variable<? extends TType>> vars = new ArrayList<>();
  private final List<Placeholder<?>> slotValues = new ArrayList<>();
  private final List<Operation> slotAssigns = new ArrayList<>();
  private final List<Operation> slotInits = new ArrayList<>();

  @SuppressWarnings({"unchecked", "rawtypes"})
  RunState(ModelRuntime rt, Map<String, Variable<? extends TType>> slots, List<? extends Op> slotInits) {
    this.rt = rt;
    this.mg = rt.graph();
    slotInits.forEach(o -> this.slotInits.add(o.op()));
    keys.addAll(mg.variables().keySet());
    vars.addAll(mg.variables().values());
    slots.forEach((k, v) -> {
      keys.add("optimizer." + k);
      vars.add(v);
    });
    for (int i = mg.variables().size(); i < vars.size(); i++) {
      Variable v = vars.get(i);
      Placeholder p = mg.tf().withName(v.op().name() + "__restore").placeholder(v.type(), Placeholder.shape(v.shape()));
      slotValues.add(p);
      slotAssigns.add(mg.tf().assign(v, p).op());
    }
  }

  /** The same handles in the graph after a relocation. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void reresolve() {
    vars.replaceAll(v -> new Variable<>(mg.graph().operation(v.op().name())));
    slotValues.replaceAll(p -> new Placeholder<>(mg.graph().operation(p.op().name())));
    slotAssigns.replaceAll(o -> mg.graph().operation(o.name()));
    slotInits.replaceAll(o -> mg.graph().operation(o.name()));
  }

  /** Resumes from the last checkpoint, or sets initial (or fresh, adapted) weights and zeroes the optimizer. */
  Checkpoints.State start(Feed train, Map<String, NpyArray> initial, TrainOptions opt, FitRun run) {
    CheckpointFolder.removeLeftovers(opt.checkpointDir());
    Checkpoints.Loaded ck = opt.resume() ? Checkpoints.load(opt.checkpointDir()) : null;
    if (ck != null) {
      restore(ck);
      Checkpoints.State s = ck.state();
      run.resumed = true;
      run.step = s.step();
      run.earlier = ck.history();
      run.restoreListeners(ck.listeners());
      return s;
    }
    Map<String, NpyArray> w = initial != null ? new LinkedHashMap<>(initial) : rt.initialValues(opt.seed());
    Layer adapts = Adaptation.needed(mg.model());
    if (initial == null && adapts != null && train.source.inMemory() == null) {
      throw new BadInputException("train: layer '" + adapts.name() + "' adapts to the training data before the"
          + " first step, which needs the examples in memory; " + train.source.describe() + " is read batch by batch ("
          + train.source.toMemory() + ", or start from initial weights that hold the layer's values)");
    }
    if (initial == null) Adaptation.run(mg.model(), rt, train.source.inMemory(), w);
    rt.setWeights(w);
    zeroSlots();
    return new Checkpoints.State(0, 0);
  }

  /** Zeroes the optimizer's slots. */
  void zeroSlots() {
    if (slotInits.isEmpty()) return;
    Session.Runner r = rt.session().runner();
    slotInits.forEach(r::addTarget);
    r.run().close();
  }

  /** Every variable by checkpoint key. */
  Map<String, NpyArray> read() {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    Session.Runner r = rt.session().runner();
    vars.forEach(r::fetch);
    try (Result res = r.run()) {
      for (int i = 0; i < keys.size(); i++) {
        Tensor t = res.get(i);
        out.put(keys.get(i), mg.type() == TFloat64.class ? NpyArray.ofDoubles(t.shape().asArray(), Tensors.toDoubles(t))
            : NpyArray.ofFloats(t.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  /** A checkpoint of another model or optimizer is bad input (exit 2), named by its first mismatch. */
  void restore(Checkpoints.Loaded ck) {
    Map<String, NpyArray> state = ck.variables();
    Map<String, NpyArray> weights = new LinkedHashMap<>();
    for (String k : mg.variables().keySet()) {
      if (state.containsKey(k)) weights.put(k, state.get(k));
    }
    WeightCheck.check(mg.model(), weights, "resume: checkpoint " + ck.file() + " is not of this model");
    rt.setWeights(weights);
    Session.Runner r = rt.session().runner();
    List<Tensor> feeds = new ArrayList<>();
    int nw = mg.variables().size();
    try {
      for (int i = nw; i < keys.size(); i++) {
        NpyArray a = state.get(keys.get(i));
        if (a == null) {
          throw new BadInputException("resume: checkpoint " + ck.file() + " lacks " + keys.get(i) + " (written with another optimizer?)");
        }
        long[] want = vars.get(i).shape().asArray();
        if (!Arrays.equals(a.shape(), want)) {
          throw new BadInputException("resume: checkpoint " + ck.file() + ": " + keys.get(i) + " has shape " + a.shapeString()
              + ", expected " + Arrays.toString(want));
        }
        Tensor t = mg.type() == TFloat64.class ? Tensors.of(mg.type(), Shape.of(a.shape()), a.toDoubles())
            : Tensors.of(mg.type(), Shape.of(a.shape()), a.toFloats());
        feeds.add(t);
        r.feed(slotValues.get(i - nw), t).addTarget(slotAssigns.get(i - nw));
      }
      if (!r.isEmpty()) r.run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }
}
