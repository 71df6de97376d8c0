# Guards of notebook 07, run in its kernel after it has run (see README.md in this folder).
assert cat.shape == (150, 226, 3), (
    f"the prose quotes the cat's shape (150, 226, 3), got {cat.shape}"
)
assert keras_difference < 1e-4, (
    f"Keras's Conv2D maps differ from cnnlab.conv2d by {keras_difference}"
)
assert np.abs(keras_large - large).max() < 1e-5, "Keras's Conv2DTranspose differs from cnnlab"
assert views.largest_difference < 1e-12, "the three ways of the 2×2 example must agree exactly"
assert cnnlab.output_size(512, 3) ** 2 == 260_100, "the prose quotes a 260,100 × 262,144 matrix"
# the explorer's third prompt: with padding 2 and kernel size 2 the stamp of pixel 0 is cut off
prompt3 = lessons.transpose_views(np.ones((3, 3)), np.ones((2, 2)), stride=2, padding=2)
assert prompt3.stamp_in_output(0, 0) is None, "Explore prompt 3: pixel 0's stamp must be cut off"
# the explorer's second prompt: output padding 2 is refused with stride 2 and allowed with 3
assert (
    cnnlab.transposed_output_size(3, 3, 3, 0, 2) == cnnlab.transposed_output_size(3, 3, 3, 0, 0) + 2
)
assert redder > 0.9, (
    f"the prose says R − B > 0 almost everywhere; it is at {redder:.0%} of the pixels"
)
