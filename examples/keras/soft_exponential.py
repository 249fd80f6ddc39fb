"""Seed question 4: a complex activation function in Keras, the doubled soft exponential.

SoftExponential (Godfrey and Gashler) has one trainable alpha per unit; doubled=True keeps two rows of
alpha (starting at -0.1 and 0.1) and concatenates both outputs, and alpha_l2 adds alpha_l2 * sum(alpha^2)
to the loss. This is tfgraph's built-in softexp-mlp, layer for layer and name for name.

    python examples/keras/soft_exponential.py --epochs 2 --out out/keras-examples
"""
import keras
from keras import layers as L

import fashion
import tfgraph_keras as tk


def model():
    return keras.Sequential([
        keras.Input((28, 28, 1), name="x"), L.Flatten(name="flatten"), L.Dense(256, name="fc1"),
        tk.SoftExponential(doubled=True, alpha_init=[-0.1, 0.1], alpha_l2=1e-4, name="softexp"),
        L.Dense(10, activation="softmax", name="head")], name="softexp_mlp")


def main():
    args = fashion.arguments(__doc__.splitlines()[0]).parse_args()
    keras.utils.set_random_seed(args.seed)
    data = fashion.fashion_mnist(args.limit)
    m = model()
    fashion.save("soft_exponential", m, args, data, fashion.train(m, args, data))


if __name__ == "__main__":
    main()
