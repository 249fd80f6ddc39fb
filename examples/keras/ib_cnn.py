"""Seed question 3: improved bilinear pooling in Keras that trains (the seed was stuck at 30%).

A small Keras CNN backbone (a nested Sequential), then the improved bilinear head: BilinearPooling
(A = X^T X / (h*w) + epsilon*I), MatrixSqrt (whose gradient is the exact Lyapunov solution, finite where
autograd through an eigendecomposition is not), SignedSqrt, L2Normalize and a softmax Dense.

    python examples/keras/ib_cnn.py --epochs 2 --out out/keras-examples
"""
import keras
from keras import layers as L

import fashion
import tfgraph_keras as tk


def model(sqrt):
    backbone = keras.Sequential([
        keras.Input((28, 28, 1), name="x"),
        L.Conv2D(16, 3, activation="relu", name="conv1"), L.MaxPooling2D(name="pool1"),
        L.Conv2D(32, 3, activation="relu", name="conv2")], name="backbone")     # 11 x 11 positions, 32 channels
    return keras.Sequential([
        backbone,
        tk.BilinearPooling(epsilon=1e-5, name="bilinear"), tk.MatrixSqrt(method=sqrt, name="sqrt"),
        L.Flatten(name="flatten"), tk.SignedSqrt(name="signed_sqrt"), tk.L2Normalize(name="l2"),
        L.Dense(10, activation="softmax", name="head")], name="ib_cnn")


def main():
    p = fashion.arguments(__doc__.splitlines()[0])
    p.add_argument("--sqrt", default="eigh", choices=("svd", "eigh", "newton_schulz"),
                   help="MatrixSqrt's method (default %(default)s)")
    p.add_argument("--learning-rate", type=float, default=1e-2, help="Adam's (default %(default)s)")
    args = p.parse_args()
    keras.utils.set_random_seed(args.seed)
    data = fashion.fashion_mnist(args.limit)
    m = model(args.sqrt)
    fashion.save("ib_cnn", m, args, data, fashion.train(m, args, data, args.learning_rate))


if __name__ == "__main__":
    main()
