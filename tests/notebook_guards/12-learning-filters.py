# Guards of notebook 12 (run in its kernel after Run All; see README.md).
assert fit.error < 1e-3, "gradient descent finds Sobel: the last snapshot holds Sobel's numbers"
assert np.abs(fit5.kernel[ring]).max() < 1e-3, "the 16 extra taps go to (almost) zero"
assert fit5.error < 1e-3, "gradient descent finds the ideal 5×5 kernel"
assert misaligned.loss < 1e-6, "with the top-left crop there is also a perfect fit"
assert np.abs(misaligned.kernel - fit5.ideal).max() > 0.5, "the top-left crop shifts the kernel"
assert keras_fit.error < 1e-3, "the Keras Conv2D layer also finds Sobel"
assert gap < 1e-3, "Keras takes the same steps as the NumPy loop (up to float32 rounding)"
