package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.model.Activated;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.OpNames;
import dev.tfgraph.graph.model.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * The layers of a {@link ModelGraph}'s model applied in order: a forward pass (inference or
 * training) and the training loss's regularization term, each layer under its own sub-scope.
 */
final class LayerPasses {
  private final Model model;
  private final Class<? extends TNumber> type;
  private Ops root;
  // each layer's sub-scopes of the root, made before the layers' ops (see scope())
  private final Map<String, Ops> premade = new HashMap<>();

  /** Makes each layer's sub-scopes of {@code root} now, before any layer adds an op. */
  LayerPasses(Model model, Class<? extends TNumber> type, Ops root, boolean training) {
    this.model = model;
    this.type = type;
    this.root = root;
    for (Layer l : model.layers()) {
      for (String suffix : training ? List.of("", "_train", "_reg") : List.of("")) {
        String n = OpNames.of(l.name()) + suffix;
        premade.put(n, root.withSubScope(n));
      }
    }
  }

  /** The graph was re-imported: scopes are made of {@code newRoot} from now on. */
  void relocated(Ops newRoot) {
    premade.clear();
    root = newRoot;
  }

  /**
   * The forward pass over the layers in order, each on its inbound outputs (a layer that shares
   * another's weights applies that layer, so both read the same variables and their gradients add). With {@code logits}
   * true, the output layer's activation is left out so that the loss can fuse it. {@code xs} holds one
   * operand per model input (else IllegalArgumentException). Each layer's first inbound tensor is added to {@code layerInputs} unless it is null.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Operand<? extends TNumber> forward(Ops tf, List<? extends Operand<? extends TNumber>> xs, CallContext ctx, boolean logits,
      List<Operand<? extends TNumber>> layerInputs) {
    if (xs.size() != model.inputs().size()) {
      throw new IllegalArgumentException(xs.size() + " inputs given for a model of " + model.inputs().size());
    }
    Map<String, Operand> values = new LinkedHashMap<>();
    for (int i = 0; i < xs.size(); i++) values.put(model.inputs().get(i).name(), xs.get(i));
    Layer last = model.outputLayer();
    Operand h = null;
    for (Layer l : model.layers()) {
      Ops scoped = scope(tf, l, ctx.training() ? "_train" : "");
      Layer fn = model.original(l);          // a layer that shares another's weights calls it
      List<Operand> in = new ArrayList<>();
      for (String n : model.inbound(l.name())) in.add(values.get(n));
      if (layerInputs != null) layerInputs.add(in.get(0));
      if (l == last && logits && fn instanceof Activated a) {
        h = a.callLinear(scoped, in.get(0), ctx);
      } else {
        h = fn.call(scoped, (List) in, ctx);
      }
      values.put(l.name(), h);
    }
    return h;
  }

  /** The sum of every layer's regularization term (a shared layer's counted once, by its original); null when none has one. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Operand<? extends TNumber> regularization(Ops scope, CallContext ctx) {
    Operand total = null;
    for (Layer l : model.layers()) {
      if (model.original(l) != l) continue;  // its weights' term is the original's, counted once
      Operand r = l.regularization(scope(scope, l, "_reg"), ctx, (Class) type);
      if (r != null) total = total == null ? r : scope.math.add(total, r);
    }
    return total;
  }

  /** Whether the model's output layer ends in this activation (null: false). */
  boolean endsIn(String activation) {
    return activation != null && model.outputLayer() instanceof Activated a && a.activation().equals(activation);
  }

  /**
   * Layer {@code l}'s sub-scope {@code suffix} of {@code parent}. TF-Java's withSubScope reads the
   * name of every op in the graph, so making one per layer while the graph grows costs
   * O(layers × ops): for the root, the scopes were made before the layers' ops, and each is used once.
   */
  private Ops scope(Ops parent, Layer l, String suffix) {
    String n = OpNames.of(l.name()) + suffix;
    Ops s = parent == root ? premade.remove(n) : null;
    return s != null ? s : parent.withSubScope(n);
  }
}
