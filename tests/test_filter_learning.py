"""cnnlab.lessons.filter_data and filter_learning (notebook 12): im2col, target alignment, the ideal kernel, and learning Sobel from data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate2d

import cnnlab
from cnnlab import lessons
from cnnlab.kernels import sobel_horizontal, sobel_vertical

SOBEL = sobel_vertical()


@pytest.fixture(scope="module")
def pairs():
    return lessons.filter_pairs("sobel vertical", side=48)


# ----------------------------------------------------------------------------- data
def test_filter_pairs_are_standardised_images_and_their_same_filtered_versions():
    x, y = lessons.filter_pairs("sobel horizontal", ["camera", "moon"], side=40)
    assert x.shape == y.shape == (2, 40, 40)
    assert np.allclose(x.mean(axis=(1, 2)), 0, atol=1e-9)
    assert np.allclose(x.std(axis=(1, 2)), 1)
    for image, target in zip(x, y, strict=True):
        expected = correlate2d(np.pad(image, 1), sobel_horizontal(), mode="valid")
        assert np.allclose(target, expected)


def test_filter_pairs_without_standardising_keeps_0_1_pixels_and_accepts_arrays():
    image = np.linspace(0, 1, 50 * 60).reshape(50, 60)
    x, y = lessons.filter_pairs(SOBEL, [image], side=50, standardise=False)
    assert np.allclose(x[0], image[:, 5:55])
    assert np.allclose(y[0], cnnlab.conv2d(x[0], SOBEL, padding="same"))


def test_filter_pairs_rejects_bad_arguments():
    with pytest.raises(ValueError, match="side=200"):
        lessons.filter_pairs(side=200)
    with pytest.raises(ValueError, match="images must be"):
        lessons.filter_pairs(images="camera")
    with pytest.raises(ValueError, match="kernel must be"):
        lessons.filter_pairs(np.ones(3))


# ----------------------------------------------------------------------------- im2col
@pytest.mark.parametrize(
    ("kernel_hw", "stride", "padding"),
    [(3, 1, "valid"), (5, 2, "same"), ((2, 4), (1, 3), "full"), (3, 3, 2), (1, 1, "valid")],
)
def test_kernel_patches_times_kernel_is_the_convolution(kernel_hw, stride, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 11, 13))
    kh, kw = (kernel_hw, kernel_hw) if np.isscalar(kernel_hw) else kernel_hw
    kernel = rng.normal(size=(kh, kw))
    patches = lessons.kernel_patches(x, kernel_hw, stride=stride, padding=padding)
    expected = np.stack([cnnlab.conv2d(im, kernel, stride=stride, padding=padding) for im in x])
    assert patches.shape == (expected.size, kh * kw)
    assert np.allclose(patches @ kernel.ravel(), expected.ravel())


def test_kernel_patches_of_a_single_image_and_a_kernel_that_does_not_fit():
    x = np.arange(25.0).reshape(5, 5)
    assert lessons.kernel_patches(x, 5).tolist() == [list(range(25))]
    with pytest.raises(ValueError, match="kernel_size=6 does not fit"):
        lessons.kernel_patches(x, 6)


# ----------------------------------------------------------------------------- alignment
def test_align_target_valid_crops_the_same_margin_on_both_sides():
    y = np.arange(8 * 9, dtype=float).reshape(8, 9)
    for k in (1, 2, 3, 4, 5):
        c = (k - 1) // 2
        expected = y[c : c + 8 - k + 1, c : c + 9 - k + 1]
        assert np.array_equal(lessons.align_target(y, k), expected), k


def test_align_target_marks_windows_centred_in_the_padding_as_nan():
    y = np.ones((6, 6))
    full = lessons.align_target(y, 3, padding="full")  # 8x8, centres -1 .. 6
    assert full.shape == (8, 8)
    assert np.isnan(full[0]).all() and np.isnan(full[-1]).all()
    assert np.isnan(full[:, 0]).all() and np.isnan(full[:, -1]).all()
    assert np.array_equal(full[1:-1, 1:-1], y)
    same = lessons.align_target(y, 3, padding="same")
    assert np.array_equal(same, y)


@pytest.mark.parametrize(
    ("k", "stride", "padding", "shift"),
    [
        (3, 1, "valid", 0),
        (5, 1, "valid", 0),
        (5, 1, "valid", -1),
        (4, 1, "valid", 0),
        (7, 2, "same", 1),
        (3, 2, "same", 0),
        (3, 1, "full", 0),
        (6, 3, 2, (1, -1)),
    ],
)
def test_ideal_kernel_reproduces_the_aligned_targets_exactly(k, stride, padding, shift):
    """The definition of alignment: conv2d with the ideal kernel = the aligned target."""
    x = np.random.default_rng(2).normal(size=(15, 17))
    y = cnnlab.conv2d(x, SOBEL, padding="same")
    ideal = lessons.ideal_kernel(SOBEL, k, shift=shift)
    prediction = cnnlab.conv2d(x, ideal, stride=stride, padding=padding)
    target = lessons.align_target(y, k, stride=stride, padding=padding, shift=shift)
    assert prediction.shape == target.shape
    keep = np.isfinite(target)
    assert keep.mean() > 0.5
    assert np.allclose(prediction[keep], target[keep])


def test_ideal_kernel_places_the_target_at_the_centre_tap():
    assert np.array_equal(lessons.ideal_kernel(SOBEL, 3), SOBEL)
    five = lessons.ideal_kernel("sobel vertical", 5)
    assert np.array_equal(five[1:4, 1:4], SOBEL) and np.abs(five).sum() == np.abs(SOBEL).sum()
    four = lessons.ideal_kernel(SOBEL, 4)  # centre tap (4 - 1) // 2 = 1
    assert np.array_equal(four[:3, :3], SOBEL) and not four[3].any() and not four[:, 3].any()
    corner = lessons.ideal_kernel(SOBEL, 5, shift=-1)
    assert np.array_equal(corner[:3, :3], SOBEL)
    for k, shift in [(1, 0), (2, 0), (3, 1), (5, 2)]:
        assert lessons.ideal_kernel(SOBEL, k, shift=shift) is None


# ----------------------------------------------------------------------------- gradient
def _loss(kernel, patches, targets):
    return np.mean((patches @ kernel.ravel() - targets) ** 2)


def test_gd_step_follows_the_numerical_gradient():
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, 3))
    patches = rng.normal(size=(40, 9))
    targets = rng.normal(size=40)
    lr = 0.01
    numerical = np.zeros_like(w)
    eps = 1e-6
    for idx in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[idx] = eps
        numerical[idx] = (_loss(w + step, patches, targets) - _loss(w - step, patches, targets)) / (
            2 * eps
        )
    new = lessons.gd_step(w, patches, targets, lr)
    assert new.shape == w.shape
    assert np.allclose(new, w - lr * numerical, atol=1e-8)
    assert _loss(new, patches, targets) < _loss(w, patches, targets)
    with pytest.raises(ValueError, match="patches must have shape"):
        lessons.gd_step(w, patches[:, :4], targets, lr)


def test_learn_kernel_without_momentum_takes_exactly_the_gd_steps(pairs):
    x, y = pairs
    fit = lessons.learn_kernel(x, y, 3, steps=20, momentum=0.0, learning_rate=0.05, record=20)
    patches = lessons.kernel_patches(x, 3)
    targets = lessons.align_target(y, 3).ravel()
    w = fit.kernels[0]
    for _ in range(20):
        w = lessons.gd_step(w, patches, targets, 0.05)
    assert np.allclose(fit.kernel, w)
    assert np.allclose(fit.losses[-1], _loss(w, patches, targets))
    assert np.all(np.diff(fit.losses) <= 1e-12)  # plain GD with a small step never goes up


def test_run_steps_takes_the_steps_from_the_problem_the_start_and_the_settings(pairs):
    x, y = pairs
    seen = {}

    def stay(problem, kernel, *, learning_rate, momentum, steps, keep):
        seen.update(problem=problem, start=kernel.copy(), rate=learning_rate, keep=keep)
        seen.update(momentum=momentum, steps=steps)
        return [kernel] * len(keep)  # never moves: every snapshot is the start

    fit = lessons.learn_kernel(x, y, 3, stride=2, steps=50, seed=3, record=5, run_steps=stay)
    default = lessons.learn_kernel(x, y, 3, stride=2, steps=50, seed=3, record=5)
    assert np.array_equal(seen["start"], default.kernels[0])  # the same seeded start
    assert seen["rate"] == default.learning_rate and seen["momentum"] == 0.9
    assert seen["steps"] == 50 and seen["keep"] == set(default.steps.tolist())
    assert seen["problem"].stride == (2, 2) and seen["problem"].padding == "valid"
    assert np.array_equal(fit.steps, default.steps)
    assert all(np.array_equal(k, default.kernels[0]) for k in fit.kernels)
    assert np.allclose(fit.losses, fit.losses[0]) and not np.allclose(default.losses, fit.losses)


# ----------------------------------------------------------------------------- learning Sobel
def test_gradient_descent_recovers_sobel_from_random_numbers(pairs):
    x, y = pairs
    fit = lessons.learn_kernel(x, y, 3, steps=400, seed=5, target_kernel="sobel vertical")
    assert np.abs(fit.kernels[0] - SOBEL).max() > 1  # it really started far away
    assert fit.error < 1e-6
    assert np.allclose(fit.optimum, SOBEL, atol=1e-8)
    assert fit.optimum_loss < 1e-10 and fit.loss < 1e-10
    assert fit.steps[0] == 0 and fit.steps[-1] == 400 and len(fit.kernels) == len(fit.steps)
    assert fit.errors[-1] == fit.error and fit.errors[0] > 1


def test_a_larger_kernel_learns_zeros_around_the_target(pairs):
    x, y = pairs
    fit = lessons.learn_kernel(x, y, 5, steps=1500, target_kernel=SOBEL)
    ring = np.ones((5, 5), bool)
    ring[1:4, 1:4] = False
    assert np.abs(fit.kernel[ring]).max() < 1e-3
    assert np.allclose(fit.kernel[1:4, 1:4], SOBEL, atol=1e-3)


def test_misaligned_targets_still_fit_perfectly_with_a_shifted_kernel(pairs):
    x, y = pairs
    fit = lessons.learn_kernel(x, y, 5, shift=-1, steps=1500, target_kernel=SOBEL)
    assert fit.loss < 1e-6
    assert np.allclose(fit.kernel[:3, :3], SOBEL, atol=1e-3)  # Sobel in the top-left corner
    assert fit.error < 1e-3


@pytest.mark.parametrize(("stride", "padding"), [(2, "valid"), (3, "same"), (1, "full"), (1, 3)])
def test_stride_and_padding_do_not_change_what_is_learned(pairs, stride, padding):
    x, y = pairs
    fit = lessons.learn_kernel(
        x, y, 3, stride=stride, padding=padding, steps=500, target_kernel=SOBEL
    )
    assert fit.error < 1e-4
    if padding in ("full", 3):
        assert fit.n_dropped > 0
    else:
        assert fit.n_dropped == 0


def test_a_kernel_too_small_for_the_target_has_no_ideal_and_a_positive_loss(pairs):
    x, y = pairs
    fit = lessons.learn_kernel(x, y, 2, steps=300, target_kernel=SOBEL)
    assert fit.ideal is None and fit.error is None and fit.errors is None
    assert fit.optimum_loss > 0.1
    assert fit.loss >= fit.optimum_loss - 1e-9


def test_learn_kernel_rejects_bad_arguments(pairs):
    x, y = pairs
    with pytest.raises(ValueError, match="momentum"):
        lessons.learn_kernel(x, y, momentum=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        lessons.learn_kernel(x, y, learning_rate=0)
    with pytest.raises(ValueError, match="same shape"):
        lessons.learn_kernel(x, y[:, :-1])
    with pytest.raises(ValueError, match="init must have shape"):
        lessons.learn_kernel(x, y, 3, init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="nothing to learn"):
        lessons.learn_kernel(np.ones((2, 2)), np.ones((2, 2)), 1, padding=3, shift=-5)
