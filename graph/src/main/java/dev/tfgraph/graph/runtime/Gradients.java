package dev.tfgraph.graph.runtime;

import org.tensorflow.Output;

/** Helpers around Graph.addGradients. */
public final class Gradients {
  private Gradients() {}

  /**
   * Whether addGradients returned "no gradient" for an input that the target does not depend on:
   * TF-Java wraps TF's null TF_Operation in an Output whose operation has no native handle.
   * @param o one output of Graph.addGradients, or null
   * @return true if it stands for no gradient
   */
  public static boolean isNone(Output<?> o) {
    if (o == null) return true;
    try {
      o.op().type();
      return false;
    } catch (IllegalStateException | NullPointerException e) {
      return true;
    }
  }
}
