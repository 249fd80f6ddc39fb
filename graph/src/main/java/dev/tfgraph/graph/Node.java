package dev.tfgraph.graph;


/**
 * The output of a model input or of a layer applied to earlier nodes, in a functional
 * declaration ({@code Model.functional}) (Keras' symbolic tensor). Only its name and the declaration it belongs to matter.
 */
public final class Node {
  /** The declaration nodes belong to: it applies a layer to some of its nodes ({@link Layer#on}). */
  public interface Owner {
    Node apply(Layer layer, Node... inbound);
  }

  private final Owner owner;
  private final String name;

  public Node(Owner owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  /** The declaration this node belongs to. */
  public Owner owner() {
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
