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


# A vanilla RNN over time t with the recursive error epsilon (h_0 a leaf, epsilon_{T+1} = 0).
RNN = r"""```derivation
indices: {t: T, j: H, k: H, i: D}
define: |
  z_{t,j} = \sum_k W_{jk} h_{t-1,k} + \sum_i U_{ji} x_{t,i} + b_j
  h_{t,j} = \tanh(z_{t,j})
  L = \frac{1}{2} \sum_t \sum_j (h_{t,j} - y_{t,j})^2
outside: {h: initial, epsilon: 0}
```

$$\epsilon_{t,j} = \frac{\partial L}{\partial h_{t,j}}$$

"""

# One tanh hidden layer, written in index notation; in matrix notation W is J×I and V is K×J.
TANH_TWO_LAYER = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i W_{ji} x_i
  h_j = \tanh(z_j)
  o_k = \sum_j V_{kj} h_j
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""
