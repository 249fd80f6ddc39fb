package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A listener that keeps state across epochs and wants a resumed run to go on from it, as Keras'
 * callbacks keep theirs ({@code EarlyStopping}'s {@code wait} and {@code best}). Each checkpoint
 * records {@link #state()} in its index under {@link #stateKey()}; a run resumed from that
 * checkpoint calls {@link #restore} before {@link TrainingListener#onFitStart}. The keys of one
 * run's listeners are distinct.
 */
public interface Stateful {
  /**
   * The name of this listener's state in the checkpoint index, e.g. "early_stopping".
   * @return the key
   */
  String stateKey();

  /**
   * The state now, as JSON (numbers, strings, arrays, objects).
   * @return the state
   */
  JsonNode state();

  /**
   * Sets the state a checkpoint recorded; {@code state} is null when the checkpoint recorded none
   * under this key (the listener then keeps its fresh state). A state that cannot be read is
   * refused with a BadInputException naming the key and the value.
   * @param state the recorded state, or null
   * @throws dev.tfgraph.graph.BadInputException if the state cannot be read
   */
  void restore(JsonNode state);
}
