# Guards of notebooks/10-fully-connected.ipynb: cnnlab agrees with Keras (Flatten, Dense with
# softmax, the three losses), and the numbers its text quotes.
assert np.allclose(keras_flat, flat, atol=1e-6), "cnnlab.flatten lays values out as Keras's Flatten"
assert np.allclose(keras_probs, probs, atol=1e-6), "Keras's Dense + softmax gives the same numbers"
for (name, hand), ours, theirs in zip(by_hand.items(), with_cnnlab, with_keras, strict=True):
    assert np.isclose(hand, ours), f"{name}: by hand = cnnlab"
    assert np.isclose(hand, keras.ops.convert_to_numpy(theirs), rtol=1e-5), f"{name}: = Keras"
assert np.allclose(cnnlab.softmax([1.0, 2.0, 3.0]), [0.090, 0.245, 0.665], atol=5e-4), (
    "softmax([1, 2, 3]) = [0.090, 0.245, 0.665]"
)
assert multiclass_svm == 0 and np.isclose(one_vs_rest, 5 / 3), (
    "on the first example the multiclass SVM loss is 0 and the one-vs-rest hinge is not"
)
assert params["logits"] == 54_090, "the dense layer of the small CNN has 54,090 parameters"
assert direct == 22_579_328 and cnn_dense < direct / 20, "about 23 times fewer than on raw pixels"
