package dev.tfgraph.cli;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.TrainResult;
import dev.tfgraph.graph.data.OutputFiles;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * A learning-curve PNG for people without TensorBoard: the loss per epoch on the top panel and the
 * run's metric (accuracy, or mse for regression) on the bottom one, each on its own axis.
 */
final class LearningCurve {
  private LearningCurve() {}

  static void write(Path png, String title, List<TrainResult.Epoch> history) {
    write(png, title, history, "accuracy");
  }

  static void write(Path png, String title, List<TrainResult.Epoch> history, String metric) {
    System.setProperty("java.awt.headless", "true");
    int n = history.size();
    double[] epoch = new double[n], loss = new double[n], acc = new double[n], vLoss = new double[n], vAcc = new double[n];
    for (int i = 0; i < n; i++) {
      TrainResult.Epoch e = history.get(i);
      epoch[i] = e.epoch();
      loss[i] = e.trainLoss();
      acc[i] = e.trainAccuracy();
      vLoss[i] = e.valLoss();
      vAcc[i] = e.valAccuracy();
    }
    boolean heldOut = n > 0 && Double.isFinite(vLoss[0]);
    XYChart top = panel(title + ": loss", "loss", epoch, loss, heldOut ? vLoss : null, "loss");
    XYChart bottom = panel(title + ": " + metric, metric, epoch, acc, heldOut ? vAcc : null, metric);
    BufferedImage a = BitmapEncoder.getBufferedImage(top), b = BitmapEncoder.getBufferedImage(bottom);
    BufferedImage both = new BufferedImage(Math.max(a.getWidth(), b.getWidth()), a.getHeight() + b.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(a, 0, 0, null);
    g.drawImage(b, 0, a.getHeight(), null);
    g.dispose();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(both, "png", bytes);
      Path dir = png.toAbsolutePath().getParent();
      if (dir != null) java.nio.file.Files.createDirectories(dir);
      OutputFiles.write(png, bytes.toByteArray());
    } catch (IOException e) {
      throw new RunFailedException("cannot write --plot " + png + ": " + dev.tfgraph.graph.IoErrors.describe(png, e), e);
    }
  }

  private static XYChart panel(String title, String axis, double[] epoch, double[] train, double[] heldOut, String what) {
    XYChart chart = new XYChartBuilder().width(800).height(360).title(title).xAxisTitle("epoch").yAxisTitle(axis).build();
    chart.addSeries("train " + what, epoch, train);
    if (heldOut != null) chart.addSeries("held-out " + what, epoch, heldOut);
    return chart;
  }
}
