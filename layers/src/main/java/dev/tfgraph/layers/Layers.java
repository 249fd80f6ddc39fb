package dev.tfgraph.layers;

import dev.tfgraph.layers.bilinear.BilinearPooling;
import dev.tfgraph.layers.bilinear.L2Normalize;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import dev.tfgraph.layers.bilinear.SignedSqrt;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.convolutional.DepthwiseConv2D;
import dev.tfgraph.layers.convolutional.SeparableConv2D;
import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.core.CustomScaleLayer;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.core.Dropout;
import dev.tfgraph.layers.core.LayerScale;
import dev.tfgraph.layers.core.LeakyReLU;
import dev.tfgraph.layers.core.ReLU;
import dev.tfgraph.layers.core.Softmax;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.merging.Average;
import dev.tfgraph.layers.merging.Concatenate;
import dev.tfgraph.layers.merging.Maximum;
import dev.tfgraph.layers.merging.Multiply;
import dev.tfgraph.layers.merging.Subtract;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.layers.normalization.LayerNormalization;
import dev.tfgraph.layers.pooling.AveragePooling2D;
import dev.tfgraph.layers.pooling.GlobalAveragePooling2D;
import dev.tfgraph.layers.pooling.GlobalMaxPooling2D;
import dev.tfgraph.layers.pooling.MaxPooling2D;
import dev.tfgraph.layers.preprocessing.ImagePreprocessing;
import dev.tfgraph.layers.preprocessing.Normalization;
import dev.tfgraph.layers.preprocessing.RandomCrop;
import dev.tfgraph.layers.preprocessing.RandomFlip;
import dev.tfgraph.layers.preprocessing.Rescaling;
import dev.tfgraph.layers.prototype.PrototypeKernel;
import dev.tfgraph.layers.reshaping.Cropping2D;
import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.layers.reshaping.Reshape;
import dev.tfgraph.layers.reshaping.ZeroPadding2D;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.layers.taylor.TaylorExpansion;
import dev.tfgraph.graph.LayerFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every layer type of the contract, by its spec "type" (registered as a {@link LayerFactory}). Each
 * layer reads its own keys, with its own defaults, in its static {@code parse}, next to the
 * {@code writeConfig} that writes them back.
 */
public final class Layers implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    Map<String, Parser> p = new LinkedHashMap<>();
    p.put("Dense", Dense::parse);
    p.put("Conv2D", Conv2D::parse);
    p.put("MaxPooling2D", MaxPooling2D::parse);
    p.put("BatchNormalization", BatchNormalization::parse);
    p.put("Flatten", Flatten::parse);
    p.put("Dropout", Dropout::parse);
    p.put("Activation", Activation::parse);
    p.put("TaylorExpansion", TaylorExpansion::parse);
    p.put("PrototypeKernel", PrototypeKernel::parse);
    p.put("BilinearPooling", BilinearPooling::parse);
    p.put("MatrixSqrt", MatrixSqrt::parse);
    p.put("SignedSqrt", SignedSqrt::parse);
    p.put("L2Normalize", L2Normalize::parse);
    p.put("SoftExponential", SoftExponential::parse);
    p.put("ZeroPadding2D", ZeroPadding2D::parse);
    p.put("AveragePooling2D", AveragePooling2D::parse);
    p.put("GlobalAveragePooling2D", GlobalAveragePooling2D::parse);
    p.put("GlobalMaxPooling2D", GlobalMaxPooling2D::parse);
    p.put("Reshape", Reshape::parse);
    p.put("Rescaling", Rescaling::parse);
    p.put("ImagePreprocessing", ImagePreprocessing::parse);
    p.put("Normalization", Normalization::parse);
    p.put("RandomFlip", RandomFlip::parse);
    p.put("RandomCrop", RandomCrop::parse);
    p.put("Add", Add::parse);
    p.put("Subtract", Subtract::parse);
    p.put("Multiply", Multiply::parse);
    p.put("Average", Average::parse);
    p.put("Maximum", Maximum::parse);
    p.put("Concatenate", Concatenate::parse);
    p.put("ReLU", ReLU::parse);
    p.put("LeakyReLU", LeakyReLU::parse);
    p.put("Softmax", Softmax::parse);
    p.put("Cropping2D", Cropping2D::parse);
    p.put("LayerScale", LayerScale::parse);
    p.put("CustomScaleLayer", CustomScaleLayer::parse);
    p.put("LayerNormalization", LayerNormalization::parse);
    p.put("DepthwiseConv2D", DepthwiseConv2D::parse);
    p.put("SeparableConv2D", SeparableConv2D::parse);
    return p;
  }
}
