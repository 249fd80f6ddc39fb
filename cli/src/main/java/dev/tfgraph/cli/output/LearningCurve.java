package dev.tfgraph.cli.output;

import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.io.OutputFiles;
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
 * A learning-curve PNG for people without TensorBoard: the loss per epoch on the top panel and each
 * of the run's metrics (accuracy, top_5_accuracy, mse, a user's own...) on a panel of its own below,
 * each on its own axis; held-out values beside the training ones.
 */
public final class LearningCurve {
  private LearningCurve() {}

  public static void write(Path png, String title, List<Epoch> history) {
    System.setProperty("java.awt.headless", "true");
    int n = history.size();
    double[] epoch = new double[n], loss = new double[n], vLoss = new double[n];
    for (int i = 0; i < n; i++) {
      epoch[i] = history.get(i).epoch();
      loss[i] = history.get(i).trainLoss();
      vLoss[i] = history.get(i).valLoss();
    }
    boolean heldOut = n > 0 && Double.isFinite(vLoss[0]);
    List<XYChart> panels = new java.util.ArrayList<>();
    panels.add(panel(title + ": loss", "loss", epoch, loss, heldOut ? vLoss : null, "loss"));
    for (String metric : n == 0 ? java.util.Set.<String>of() : history.get(0).train().keySet()) {
      double[] tr = new double[n], va = new double[n];
      for (int i = 0; i < n; i++) {
        tr[i] = history.get(i).train().getOrDefault(metric, Double.NaN);
        va[i] = history.get(i).val().getOrDefault(metric, Double.NaN);
      }
      panels.add(panel(title + ": " + metric, metric, epoch, tr, heldOut ? va : null, metric));
    }
    List<BufferedImage> images = panels.stream().map(BitmapEncoder::getBufferedImage).toList();
    int width = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
    int height = images.stream().mapToInt(BufferedImage::getHeight).sum();
    BufferedImage all = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    int y = 0;
    for (BufferedImage im : images) {
      g.drawImage(im, 0, y, null);
      y += im.getHeight();
    }
    g.dispose();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(all, "png", bytes);
      Path dir = png.toAbsolutePath().getParent();
      if (dir != null) java.nio.file.Files.createDirectories(dir);
      OutputFiles.write(png, bytes.toByteArray());
    } catch (IOException e) {
      throw new RunFailedException("cannot write --plot " + png + ": " + dev.tfgraph.graph.io.IoErrors.describe(png, e), e);
    }
  }

  private static XYChart panel(String title, String axis, double[] epoch, double[] train, double[] heldOut, String what) {
    XYChart chart = new XYChartBuilder().width(800).height(360).title(title).xAxisTitle("epoch").yAxisTitle(axis).build();
    chart.addSeries("train " + what, epoch, train);
    if (heldOut != null) chart.addSeries("held-out " + what, epoch, heldOut);
    return chart;
  }
}
