package dev.tfgraph.graph;

/**
 * The output of a model input or of a layer applied to earlier nodes, in a {@link Functional}
 * declaration (Keras' symbolic tensor). Only its name and the declaration it belongs to matter.
 */
public final class Node {
  private final Functional owner;
  private final String name;

  Node(Functional owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  Functional owner() {
    return owner;
  }

  /** The input's or layer's name. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "Node[" + name + "]";
  }
}
