# Guards of notebook 11 (run in its kernel after Run All; see README.md).
assert type(model.layers[1]).__name__ == "Rescaling", "the first layer that computes is Rescaling"
assert last.count_params() / first.count_params() > 81.5, "about 82 times more weights"
assert last.count_params() / first.count_params() < 82.5, "about 82 times more weights"
assert accuracy > 0.9, "more than 90 % of the test digits are read correctly"
assert len(wrong) > 0, "here are some of the digits it got wrong"
