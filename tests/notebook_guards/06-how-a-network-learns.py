# Guards of notebooks/06-how-a-network-learns.ipynb: what its text says about gradient descent
# on one convolution layer, the gradient checks, mini-batches and Adam.
assert start.loss > 1, "the zero kernel starts with a clearly wrong output"
assert after.loss < start.loss, "one gradient step with η = 0.1 lowers the loss"
assert rates["too small"] < rates["about right"] < limit < rates["too large"], (
    "the three learning rates are below, well below and above the stable limit 2/λ"
)
assert good.losses[-1] < 1e-6, "with half the stable limit, 40 steps nearly reach loss 0"
assert np.abs(good.kernels[-1] - sobel).max() < 0.01, "… and the learned kernel is Sobel"
assert small.losses[-1] > small.losses[0] / 2, "a rate far below the limit barely moves the loss"
assert large.diverged and large.losses[-1] > 1e3 * large.losses[0], (
    "a rate just above the limit makes the loss explode"
)
assert np.abs(numeric - analytic).max() < 1e-6, "finite differences agree with the backward pass"
assert np.abs(from_tape - analytic).max() < 1e-10, "tf.GradientTape agrees with the backward pass"
assert [run.steps_per_epoch for run in trained.values()] == [1, 6, 6], (
    "24 training crops: 1 step per epoch with the full batch, 6 with batches of 4"
)
assert full.train_loss[-1] > 10 * mini.train_loss[-1], (
    "in the same number of epochs mini-batches get much further than the full batch"
)
for run in trained.values():
    assert run.train_loss[-1] < run.train_loss[0], "every run lowers the training loss"
assert 0.005 < mini.val_loss[-1] < 0.02, (
    "the mini-batch runs level off near the noise variance 0.1² = 0.01"
)
assert abs(mini.val_loss[-1] - mini.train_loss[-1]) < 0.005, (
    "the validation loss stays next to the training loss (9 weights cannot memorise)"
)
assert final[bad_name] > 1e3, "plain gradient descent diverges just above η = 2/100"
assert final[adam_name] < final[gd_name] / 5, "Adam ends far lower than the best plain GD"
