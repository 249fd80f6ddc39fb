"""Reference values for the built-in metrics (numpy float64): writes metrics.npz.

Per example, for 8 examples of 5 outputs (distinct values, no ties):
  accuracy_sparse    argmax(z) == label                      (Keras sparse_categorical_accuracy)
  accuracy_onehot    argmax(z) == argmax(onehot)             (categorical_accuracy)
  accuracy_binary    mean((z > 0) == (t > 0.5))              (binary_accuracy on logits, threshold 1/2 on sigmoid(z))
  top_2, top_3       label among the k largest z             (sparse_top_k_categorical_accuracy)
  mse, mae           mean((z - r)^2), mean(|z - r|) against regression targets r
Run: python3 gen_metrics.py
"""
import numpy as np

rng = np.random.default_rng(17)
n, k = 8, 5
z = rng.permutation(n * k).reshape(n, k).astype(np.float64) / 7.0 - 2.5   # distinct: no ties
labels = rng.integers(0, k, n)
onehot = np.eye(k)[rng.integers(0, k, n)]
binary = (rng.random((n, k)) > 0.5).astype(np.float64)
regress = rng.normal(size=(n, k))
order = np.argsort(-z, axis=1)
rank = np.array([list(order[i]).index(labels[i]) for i in range(n)])
np.savez("metrics.npz", logits=z, labels=labels.astype(np.int64), onehot=onehot, binary=binary, regress=regress,
         accuracy_sparse=(z.argmax(1) == labels).astype(np.float64),
         accuracy_onehot=(z.argmax(1) == onehot.argmax(1)).astype(np.float64),
         accuracy_binary=((z > 0) == (binary > 0.5)).mean(1),
         top_2=(rank < 2).astype(np.float64), top_3=(rank < 3).astype(np.float64),
         mse=((z - regress) ** 2).mean(1), mae=np.abs(z - regress).mean(1))
