package dev.tfgraph.cli;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.TrainResult;
import dev.tfgraph.graph.data.OutputFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** A learning-curve PNG (loss and accuracy per epoch) for people without TensorBoard. */
final class LearningCurve {
  private LearningCurve() {}

  static void write(Path png, String title, List<TrainResult.Epoch> history) {
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
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle("loss / accuracy").build();
    chart.addSeries("train loss", epoch, loss);
    chart.addSeries("train accuracy", epoch, acc);
    if (n > 0 && Double.isFinite(vLoss[0])) {
      chart.addSeries("held-out loss", epoch, vLoss);
      chart.addSeries("held-out accuracy", epoch, vAcc);
    }
    try {
      Path dir = png.toAbsolutePath().getParent();
      if (dir != null) java.nio.file.Files.createDirectories(dir);
      OutputFiles.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    } catch (IOException e) {
      throw new RunFailedException("cannot write --plot " + png + ": " + dev.tfgraph.graph.IoErrors.describe(png, e), e);
    }
  }
}
