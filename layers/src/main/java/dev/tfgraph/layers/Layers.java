package dev.tfgraph.layers;

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
