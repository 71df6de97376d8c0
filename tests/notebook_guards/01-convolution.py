# Regression guards of notebook 01: the three implementations agree, as its text says.
assert np.allclose(slow, fast, atol=1e-5), "conv2d_naive and conv2d agree to rounding error"
assert np.allclose(tf_map, fast, atol=1e-5), (
    "tf.nn.conv2d and cnnlab.conv2d agree to rounding error"
)
assert keras.layers.Conv2D(64, 3).compute_output_shape((None, 28, 28, 1)) == (None, 26, 26, 64), (
    "Keras's Conv2D(64, 3) turns a 28×28×1 input into 26×26×64"
)
