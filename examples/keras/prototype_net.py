"""Seed question 2: an exotic architecture in Keras, the prototype network.

PrototypeKernel compares each image with rows of the training data (its prototypes) through a Gaussian
kernel, then weighs the similarities with a trainable kernel and bias. adapt() picks the prototypes per
class with a seeded draw, the same rows tfgraph's trainer picks, and sets the per-feature scale.
With one prototype per class the similarities go straight to a softmax, as in tfgraph's built-in
prototype-net; with more, a Dense head follows. Written with Keras' functional API. tfgraph's
prototype-net has one input, so this model has one input too.

    python examples/keras/prototype_net.py --epochs 2 --out out/keras-examples
"""
import keras
from keras import layers as L

import fashion
import tfgraph_keras as tk


def model(per_class, kernel):
    image = keras.Input((28, 28, 1), name="x")
    prototypes = tk.PrototypeKernel(units=10 * per_class, kernel=kernel, selection="per_class_random", seed=0,
                                    name="prototypes")
    h = prototypes(L.Flatten(name="flatten")(image))
    out = L.Activation("softmax", name="softmax")(h) if per_class == 1 else L.Dense(10, activation="softmax",
                                                                                     name="head")(h)
    return keras.Model(image, out, name="prototype_net"), prototypes


def main():
    p = fashion.arguments(__doc__.splitlines()[0])
    p.add_argument("--per-class", type=int, default=1, help="prototypes per class (default %(default)s)")
    p.add_argument("--kernel", default="gaussian", choices=("gaussian", "laplacian", "exp"))
    p.add_argument("--learning-rate", type=float, default=1e-2, help="Adam's (default %(default)s)")
    args = p.parse_args()
    keras.utils.set_random_seed(args.seed)
    data = fashion.fashion_mnist(args.limit)
    m, prototypes = model(args.per_class, args.kernel)
    x_train, y_train = data[0]
    prototypes.adapt(x_train.reshape(len(x_train), -1), y_train, num_classes=10)
    fashion.save("prototype_net", m, args, data, fashion.train(m, args, data, args.learning_rate))


if __name__ == "__main__":
    main()
