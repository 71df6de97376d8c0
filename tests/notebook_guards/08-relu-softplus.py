# Guards of notebooks/08-relu-softplus.ipynb: the Keras measurement of the vanishing gradient
# (depends on Keras's random initialisation) and the chain-of-neurons numbers its text quotes.
assert norms["sigmoid"][0] / norms["sigmoid"][-1] < 1e-2, (
    "in the sigmoid network the layers next to the input receive gradients orders of "
    "magnitude smaller than the last ones"
)
assert norms["relu"][0] / norms["relu"][-1] > 0.1, (
    "with ReLU every layer gets a gradient of similar size"
)
assert norms["tanh"][0] / norms["tanh"][-1] > norms["sigmoid"][0] / norms["sigmoid"][-1], (
    "speaker notes: tanh fares much better than the sigmoid"
)
assert grads["sigmoid"][-1] < 1e-10 and sig2[-1] < 1e-10 and tanh2[-1] < 1e-10, (
    "the sigmoid (w = 1, 2) and tanh (w = 2) gradients fall by many orders of magnitude over 20 layers"
)
assert np.allclose(relu2, 2.0**layers), "with w = 2 ReLU's gradient explodes as 2^L"
assert k12.shape == (5, 5) and np.allclose(two_layers, one_layer, atol=1e-4), (
    "two 3×3 convolutions are one 5×5 convolution"
)
