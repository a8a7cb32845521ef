"""Derivation blocks that many tests check claims against, written once."""

# A softmax output layer with cross-entropy loss and one-hot targets (hidden activations h_j given).
SOFTMAX_LAYER = r"""```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```
"""

# The seed's network with the loss it should have had: tanh hidden layer, softmax, cross-entropy.
TANH_SOFTMAX_NETWORK = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \tanh(z_j)
  a_k = \sum_j w_{jk} h_j + b_k
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```
"""

# Logistic regression: a sigmoid of a weighted sum, binary cross-entropy.
LOGISTIC_REGRESSION = r"""```derivation
indices: {i: I}
define: |
  a = \sum_i w_i x_i + b
  p = \sigma(a)
  L = -(y \log p + (1 - y) \log(1 - p))
```
"""

# Softmax of scores o_k with cross-entropy against a one-hot y (the markup tests' model).
SOFTMAX_ONE_HOT = r"""```derivation
indices: {i: K, k: K}
define: |
  p_k = \frac{e^{o_k}}{\sum_{k'} e^{o_{k'}}}
  L = -\sum_k y_k \log p_k
assume: [one-hot y]
target: y
```
"""

# A linear output named with a hat, \hat{y}_k, under a squared error (the printing tests' model).
HAT_OUTPUT = r"""```derivation
indices: {k: K, j: J}
define: |
  \hat{y}_k = \sum_j w_{kj} h_j
  E = \frac{1}{2} \sum_k (\hat{y}_k - t_k)^2
loss: E
```
"""
