"""Seed question 1: a Maclaurin (Taylor) series layer in a Keras CNN.

TaylorExpansion(order=3) computes, per feature, y_i = sum_p w_ip * sum_{q<=p} a_iq * x_i^q with trainable
a and w. This is tfgraph's built-in taylor-cnn, layer for layer and name for name.

    python examples/keras/taylor_cnn.py --epochs 2 --out out/keras-examples
"""
import keras
from keras import layers as L

import fashion
import tfgraph_keras as tk


def model(order):
    return keras.Sequential([
        keras.Input((28, 28, 1), name="x"),
        L.Conv2D(32, 3, padding="same", activation="relu", name="conv1"),
        L.Conv2D(32, 3, activation="relu", name="conv2"),
        L.MaxPooling2D(name="pool"), L.Dropout(0.25, name="drop1"), L.Flatten(name="flatten"),
        L.Dense(512, activation="relu", name="fc1"), L.Dropout(0.5, name="drop2"),
        tk.TaylorExpansion(order=order, name="taylor"), L.Activation("relu", name="taylor_relu"),
        L.Dense(10, activation="softmax", name="head")], name="taylor_cnn")


def main():
    p = fashion.arguments(__doc__.splitlines()[0])
    p.add_argument("--order", type=int, default=3, help="the expansion's order (default %(default)s)")
    args = p.parse_args()
    keras.utils.set_random_seed(args.seed)
    data = fashion.fashion_mnist(args.limit)
    m = model(args.order)
    fashion.save("taylor_cnn", m, args, data, fashion.train(m, args, data))


if __name__ == "__main__":
    main()
