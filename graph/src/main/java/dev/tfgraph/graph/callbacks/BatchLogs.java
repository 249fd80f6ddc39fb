package dev.tfgraph.graph.callbacks;

import java.util.Map;

/**
 * One training step's results: epoch (0-based), batch in the epoch (0-based), the global step after
 * it (1-based), the batch's size and index of its first example in the epoch's order, its loss and
 * metrics (means over the batch, by name) and the learning rate it ran with.
 */
public record BatchLogs(int epoch, int batch, long step, int size, long firstExample, double loss, Map<String, Double> metrics,
    double learningRate) {}
