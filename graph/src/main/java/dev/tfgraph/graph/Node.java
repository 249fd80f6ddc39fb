package dev.tfgraph.graph;


/**
 * The output of a model input or of a layer applied to earlier nodes, in a functional
 * declaration ({@code Model.functional}) (Keras' symbolic tensor). Only its name and the declaration it belongs to matter.
 */
public final class Node {
  /** The declaration nodes belong to: it applies a layer to some of its nodes ({@link Layer#on}). */
  public interface Owner {
    /**
     * @param layer the layer applied
     * @param inbound its inbound nodes, of this declaration
     * @return the layer's node
     * @throws BadInputException if the layer cannot take those nodes (count, owner, or a name used twice)
     */
    Node apply(Layer layer, Node... inbound);
  }

  private final Owner owner;
  private final String name;

  /**
   * Made by a declaration for each input and applied layer.
   * @param owner the declaration
   * @param name the input's or layer's name
   */
  public Node(Owner owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  /**
   * The declaration this node belongs to.
   * @return the owner
   */
  public Owner owner() {
    return owner;
  }

  /**
   * The input's or layer's name.
   * @return the name
   */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "Node[" + name + "]";
  }
}
