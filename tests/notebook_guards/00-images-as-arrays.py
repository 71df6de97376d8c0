# Regression guards of notebook 00: the numbers its prose and speaker notes quote.
assert digit.shape == (28, 28), "the digits are MNIST-sized, 28×28"
assert ((pixels.astype(int) + 100) > 255).tolist() == (pixels > 155).tolist(), (
    "speaker notes: exactly the values brighter than 155 wrap when 100 is added"
)
assert sorted(shuffled.ravel()) == sorted(digit.ravel()), "shuffling keeps every pixel value"
