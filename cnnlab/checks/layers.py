"""Exercise checkers for notebooks 05-08: pooling, activations, dropout, the dense layer.

Every checker takes the learner's answer (a number or a function they wrote), compares it with
cnnlab's reference on several cases including edge cases, and returns a
:class:`~cnnlab.checks.Result`. A wrong answer gets the failing case, what came out, what was
expected and, when it matches a typical mistake, what that mistake is. An unfinished stub
(``...`` or ``None``) gives a friendly "not yet", never an exception. The learner's functions
always receive fresh copies of the test arrays, and a function that changes its input array is
told so.

==========================  ========  ========================================================
checker                     notebook  the learner provides
==========================  ========  ========================================================
check_max_pool              05        ``max_pool(x, size)``: non-overlapping max pooling
check_pooled_shape          05        ``pooled_shape(h, w, depth, pool_size, stride)``
check_orders_agree          05        ``orders_agree(x, mode)``: ReLU then pool == pool then ReLU?
check_relu                  06        ``my_relu(x)``, element-wise
check_softplus_derivative   06        ``softplus_derivative(x)``: the logistic function
check_vanishing_depth       06        how many sigmoid layers until the gradient < 1e-6
check_inverted_dropout      07        ``apply_dropout(x, keep, rate)`` with a given mask
check_dropout_layer         07        ``dropout_layer(x, rate, training, rng)``
check_softmax               08        ``my_softmax(scores)`` for a vector or a batch
check_cross_entropy         08        ``cross_entropy(y_true, probs)``
check_fc_params             08        the dense layer's parameter count of a small CNN
==========================  ========  ========================================================
"""

from __future__ import annotations

import math

import numpy as np

from ..activations import relu, sigmoid, softmax, softplus
from ..losses import categorical_crossentropy
from ..ops import pool2d
from ..shapes import conv_params, dense_params, output_shape, output_size
from ._core import (
    UNFINISHED,
    Result,
    as_floats,
    check_cases,
    compare_number,
    correct,
    function_name,
    is_unfinished,
    run_case,
    show,
    wrong,
)

__all__ = [
    "check_cross_entropy",
    "check_dropout_layer",
    "check_fc_params",
    "check_inverted_dropout",
    "check_max_pool",
    "check_orders_agree",
    "check_pooled_shape",
    "check_relu",
    "check_softmax",
    "check_softplus_derivative",
    "check_vanishing_depth",
]


_NEW_ARRAY = (
    "Return a new array instead (for example with np.maximum or np.where), so the caller's data "
    "stays intact."
)


def _check_cases(func, default_name, cases, reference, mistakes, **options) -> Result:
    """:func:`~cnnlab.checks.check_cases` with this module's hint for a changed input."""
    return check_cases(
        func, default_name, cases, reference, mistakes, in_place_hint=_NEW_ARRAY, **options
    )


# ----------------------------------------------------------------------------------------------
# 05 · Pooling
# ----------------------------------------------------------------------------------------------
def _pool_cases():
    rng = np.random.default_rng(5)
    return [
        (np.array([[1.0, 2.0], [3.0, 4.0]]), 2),
        (np.array([[1.0, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]), 2),
        (-np.arange(1.0, 17.0).reshape(4, 4), 2),  # all negative
        (np.arange(25.0).reshape(5, 5), 2),  # odd size: the last row and column are left over
        (rng.integers(-9, 10, (6, 6)).astype(float), 3),
        (np.arange(24.0).reshape(4, 6) % 7, 2),  # not square
    ]


def check_max_pool(func) -> Result:
    """Check a learner's ``max_pool(x, size)``: max pooling with ``size x size`` windows.

    Parameters
    ----------
    func : callable
        ``func(x, size)`` with ``x`` of shape (H, W): non-overlapping windows (stride =
        ``size``), no padding (left-over rows and columns are dropped); returns an array of
        shape ``(H // size, W // size)``.

    Returns
    -------
    Result

    Examples
    --------
    >>> import cnnlab
    >>> check_max_pool(lambda x, size: cnnlab.pool2d(x, size)).passed
    True
    >>> print(check_max_pool(lambda x, s: cnnlab.pool2d(x, s, mode="avg")).message)
    ... # doctest: +ELLIPSIS
    max_pool([[1., 2.], [3., 4.]], 2) returned [[2.5]], but the answer is [[4.]]. That is ...
    """
    mistakes = [
        (
            lambda x, s: pool2d(x, s, mode="avg"),
            "That is average pooling; max pooling keeps the largest value of each window "
            "(window.max()).",
        ),
        (
            lambda x, s: np.maximum(pool2d(x, s), 0),
            "When every value of a window is negative its maximum is negative too: start from "
            "the window's values (window.max()), not from 0.",
        ),
        (
            lambda x, s: pool2d(x, s, padding="same"),
            "Keep only complete windows: the output has H // size rows and W // size columns; "
            "left-over rows and columns are dropped.",
        ),
        (
            lambda x, s: pool2d(x, s, stride=1),
            "The windows must not overlap: move by `size` pixels each step (stride = size), "
            "so window (i, j) is x[i*size:(i+1)*size, j*size:(j+1)*size].",
        ),
        (
            lambda x, s: -pool2d(-x, s),
            "That is the minimum of each window; max pooling keeps the largest value.",
        ),
    ]
    return _check_cases(
        func,
        "max_pool",
        _pool_cases(),
        lambda x, s: pool2d(x, s, mode="max"),
        mistakes,
        success="The largest value of every complete window, windows side by side.",
    )


def _pooled_shape_reference(h, w, depth, pool_size, stride):
    return (output_size(h, pool_size, stride), output_size(w, pool_size, stride), depth)


def check_pooled_shape(func) -> Result:
    """Check a learner's ``pooled_shape(h, w, depth, pool_size, stride)``.

    Parameters
    ----------
    func : callable
        Returns the output shape ``(h', w', depth')`` of pooling an ``h x w x depth`` volume
        with ``pool_size x pool_size`` windows, the given stride and no padding.

    Returns
    -------
    Result

    Examples
    --------
    >>> ok = lambda h, w, d, k, s: ((h - k) // s + 1, (w - k) // s + 1, d)
    >>> check_pooled_shape(ok).passed
    True
    >>> print(check_pooled_shape(lambda h, w, d, k, s: ((h - k) // s + 1, (w - k) // s + 1, d // k)).message)
    ... # doctest: +ELLIPSIS
    pooled_shape(4, 4, 3, 2, 2) returned (2, 2, 1), but the answer is (2, 2, 3). Pooling ...
    """
    cases = [
        (4, 4, 3, 2, 2),
        (28, 28, 32, 2, 2),
        (5, 5, 1, 2, 2),  # odd: one row and column left over
        (7, 9, 8, 3, 2),  # overlapping windows, not square
        (8, 8, 4, 3, 2),
        (13, 13, 256, 3, 2),  # AlexNet's overlapping pooling
        (6, 6, 16, 3, 3),
    ]

    def floor_out(n, k, s):
        return (n - k) // s + 1

    mistakes = [
        (
            lambda h, w, d, k, s: (floor_out(h, k, s), floor_out(w, k, s), d // k),
            "Pooling works on each channel separately, so the depth stays the same.",
        ),
        (
            lambda h, w, d, k, s: (floor_out(h, k, s), floor_out(w, k, s), d // (k * k)),
            "Pooling works on each channel separately, so the depth stays the same.",
        ),
        (
            lambda h, w, d, k, s: (-(-(h - k) // s) + 1, -(-(w - k) // s) + 1, d),
            "A window that does not fit completely is dropped: round down "
            "(floor((h - k) / s) + 1), not up.",
        ),
        (
            lambda h, w, d, k, s: ((h - k) // s, (w - k) // s, d),
            "Off by one: count the first window too, floor((h - k) / s) + 1.",
        ),
        (
            lambda h, w, d, k, s: (h - k + 1, w - k + 1, d),
            "You ignored the stride: the window jumps `stride` pixels, so divide (h - k) by it.",
        ),
        (
            lambda h, w, d, k, s: (h // k, w // k, d),
            "h // pool_size only works when the stride equals the pool size; use the general "
            "formula floor((h - k) / s) + 1.",
        ),
        (
            lambda h, w, d, k, s: (h // s, w // s, d),
            "h // stride is not the general rule (it ignores the window size); use "
            "floor((h - k) / s) + 1.",
        ),
    ]
    return _check_cases(
        func,
        "pooled_shape",
        cases,
        _pooled_shape_reference,
        mistakes,
        show_args=lambda *a: ", ".join(map(str, a)),
        success="floor((h - k) / s) + 1 rows and columns, and the depth is unchanged.",
    )


def _orders_agree_reference(x, mode):
    return bool(np.allclose(relu(pool2d(x, 2, mode=mode)), pool2d(relu(x), 2, mode=mode)))


def _orders_cases():
    rng = np.random.default_rng(50)
    return [
        # one window all negative, the others mixed: max pooling still commutes with ReLU
        (np.array([[-3.0, -1, 2, -5], [-2, -4, -1, 1], [4, -6, 0, 3], [-1, 2, -2, -7]]), "max"),
        (np.array([[-3.0, 1, 2, 0], [1, 1, 4, 2], [0, 5, 1, 1], [3, 2, 2, 0]]), "avg"),  # -3 + 3
        (np.array([[1.0, 2, 0, 4], [3, 0, 1, 1], [2, 2, 5, 0], [0, 1, 3, 3]]), "avg"),  # all >= 0
        (-np.arange(1.0, 17.0).reshape(4, 4), "avg"),  # all negative: both orders give 0
        (-np.arange(1.0, 17.0).reshape(4, 4), "max"),
        (rng.normal(size=(6, 6)), "max"),
        (rng.normal(size=(6, 6)), "avg"),
    ]


def check_orders_agree(func) -> Result:
    """Check a learner's ``orders_agree(x, mode)``: does ReLU commute with 2×2 pooling on ``x``?

    Parameters
    ----------
    func : callable
        ``func(x, mode)`` with ``x`` a 2-D map and ``mode`` ``"max"`` or ``"avg"``: returns
        True when ReLU after 2×2 pooling (stride 2) gives the same map as 2×2 pooling after
        ReLU, else False. The cases include maps where average pooling agrees (no window mixes
        signs) and where it does not, so an answer that only looks at ``mode`` is rejected.

    Returns
    -------
    Result

    Examples
    --------
    >>> import cnnlab
    >>> def orders_agree(x, mode):
    ...     relu_after = cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode))
    ...     relu_before = cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode)
    ...     return np.allclose(relu_after, relu_before)
    >>> check_orders_agree(orders_agree).passed
    True
    >>> print(check_orders_agree(lambda x, mode: mode == "max").message)
    ... # doctest: +ELLIPSIS
    orders_agree(x = [[...]], mode='avg') returned False, but the answer is True. ...
    """

    def after(x, m):
        return relu(pool2d(x, 2, mode=m))

    def before(x, m):
        return pool2d(relu(x), 2, mode=m)

    mistakes = [
        (
            lambda x, m: after(x, m) == before(x, m),
            "Return one True or False for the whole map: `a == b` compares element by element; "
            "np.allclose(a, b) (or np.array_equal) compares the whole arrays.",
        ),
        (
            lambda x, m: m == "max",
            "Decide from the map itself, not only from the mode: compute both orders on `x` and "
            "compare them. With average pooling the orders agree on some maps (no window mixes "
            "positive and negative values) and not on others.",
        ),
        (
            lambda x, m: True,
            "Your function says the orders always agree. Compare relu(pool(x)) with "
            "pool(relu(x)), two different orders; on a window such as [[-3, 1], [1, 1]] average "
            "pooling then ReLU gives 0, ReLU then average pooling gives 0.75.",
        ),
        (
            lambda x, m: bool(np.allclose(pool2d(x, 2, mode=m), before(x, m))),
            "One order is missing its ReLU: compare cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode)) "
            "(pool, then ReLU) with cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode) (ReLU, then "
            "pool).",
        ),
        (
            lambda x, m: bool(np.allclose(after(x, m), pool2d(x, 2, mode=m))),
            "One order is missing its ReLU: compare cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode)) "
            "(pool, then ReLU) with cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode) (ReLU, then "
            "pool).",
        ),
        (
            lambda x, m: not _orders_agree_reference(x, m),
            "True and False are the wrong way round: return True when the two orders give the "
            "same map.",
        ),
    ]
    return _check_cases(
        func,
        "orders_agree",
        _orders_cases(),
        _orders_agree_reference,
        mistakes,
        show_args=lambda x, m: f"x = {show(x, max_items=16)}, mode={m!r}",
        success=(
            "Max pooling and ReLU commute on every map: ReLU never changes which value is the "
            "largest, so relu(max) = max(relu). Average pooling commutes only when no window "
            "mixes positive and negative values."
        ),
    )


# ----------------------------------------------------------------------------------------------
# 06 · ReLU and softplus
# ----------------------------------------------------------------------------------------------
def check_relu(func) -> Result:
    """Check a learner's ``my_relu(x)``: max(0, x) element by element, for arrays of any shape.

    Examples
    --------
    >>> check_relu(lambda x: np.maximum(x, 0)).passed
    True
    >>> print(check_relu(np.abs).message)   # doctest: +ELLIPSIS
    absolute(...) returned [2. , 0.5, 0. , 0.5, 3. ], ... ReLU sets negative values to 0; ...
    >>> print(check_relu(lambda x: max(0, x)).message)   # doctest: +ELLIPSIS
    Your function raised ValueError ... built-in max(0, x) ... np.maximum(x, 0) compares ...
    """
    cases = [
        (np.array([-2.0, -0.5, 0.0, 0.5, 3.0]),),
        (np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]]),),  # a small signed feature map
        (np.full((2, 2), -7.0),),  # all negative
        (np.array([1e6, -1e6, 2.5]),),  # no upper limit
    ]
    mistakes = [
        (
            np.abs,
            "ReLU sets negative values to 0; it does not flip their sign (that is abs).",
        ),
        (
            lambda x: np.clip(x, 0, 1),
            "ReLU has no upper limit: positive values pass unchanged, however large.",
        ),
        (
            lambda x: (x > 0).astype(float),
            "That is ReLU's derivative (1 where x > 0); ReLU itself passes positive values "
            "through unchanged.",
        ),
        (
            lambda x: np.max(x, axis=0),
            "np.max(x, 0) takes the maximum *along axis 0* (a reduction); np.maximum(x, 0) "
            "compares every element with 0.",
        ),
        (
            lambda x: np.minimum(x, 0),
            "That keeps the negative part; ReLU keeps the positive part, max(0, x).",
        ),
        (
            lambda x: np.log1p(np.exp(x)),
            "That is softplus, the smooth cousin of ReLU; ReLU is exactly max(0, x), with a "
            "kink at 0.",
        ),
        (
            lambda x: softplus(x),
            "That is softplus, the smooth cousin of ReLU; ReLU is exactly max(0, x), with a "
            "kink at 0.",
        ),
    ]
    result = _check_cases(
        func,
        "my_relu",
        cases,
        relu,
        mistakes,
        success="Negative values become 0 and positive values pass unchanged.",
    )
    if not result.passed and "truth value of an array" in result.message:
        return wrong(
            f"{result.message.split(' Read the message')[0]} Python's built-in max(0, x) and "
            "`if x < 0` work on one number at a time, not on a whole array; "
            "np.maximum(x, 0) compares every element with 0."
        )
    return result


def check_softplus_derivative(func) -> Result:
    """Check a learner's ``softplus_derivative(x)``: the logistic function 1 / (1 + e^-x).

    Examples
    --------
    >>> check_softplus_derivative(lambda x: 1 / (1 + np.exp(-x))).passed
    True
    >>> print(check_softplus_derivative(lambda x: np.exp(x) / (1 + np.exp(x))).message)
    ... # doctest: +ELLIPSIS
    softplus_derivative(...) returned [ 0., 0., 1., nan], ... overflows to inf...
    """
    cases = [
        (np.array([0.0]),),
        (np.linspace(-4.0, 4.0, 5),),
        (np.array([[-1.0, 1.0], [2.5, -2.5]]),),
        (np.array([-1000.0, -50.0, 50.0, 1000.0]),),  # far out: exp overflows
    ]
    mistakes = [
        (
            softplus,
            "That is softplus itself, ln(1 + e^x); its derivative is e^x / (1 + e^x) = "
            "1 / (1 + e^-x).",
        ),
        (
            lambda x: (x > 0).astype(float),
            "That is ReLU's derivative (a step). Softplus is smooth, and so is its derivative: "
            "1 / (1 + e^-x).",
        ),
        (
            lambda x: sigmoid(x) * (1 - sigmoid(x)),
            "That is the derivative of the logistic function, one derivative too far; the "
            "derivative of softplus *is* the logistic function.",
        ),
        (
            lambda x: sigmoid(-x),
            "Check the sign: at x = 2 the derivative should be close to 1 (softplus is almost "
            "the line y = x there), 1 / (1 + e^-x).",
        ),
    ]
    return _check_cases(
        func,
        "softplus_derivative",
        cases,
        sigmoid,
        mistakes,
        not_finite=(
            "For large x, e^x overflows to inf and inf / inf is nan (overflow). Divide top and "
            "bottom by e^x first: 1 / (1 + np.exp(-x)) gives 1 for large x and 0 for very "
            "negative x."
        ),
        success="The derivative of softplus is the logistic function 1 / (1 + e^-x).",
    )


def _layers_until(factor, threshold):
    depth, value = 0, 1.0
    while value >= threshold:
        depth += 1
        value *= factor
    return depth


def check_vanishing_depth(answer, *, factor=0.25, threshold=1e-6) -> Result:
    """Check the smallest number of layers whose product of derivatives falls below ``threshold``.

    With the sigmoid's largest derivative, 0.25, in every layer the gradient after ``L`` layers
    is at most ``0.25 ** L``.

    Parameters
    ----------
    answer : int
        The learner's depth.
    factor : float, default 0.25
        The derivative in every layer.
    threshold : float, default 1e-6

    Examples
    --------
    >>> check_vanishing_depth(10).passed
    True
    >>> print(check_vanishing_depth(9).message)   # doctest: +ELLIPSIS
    0.25 ** 9 = 3.8147e-06 is still above 1e-06. ... = 9.966, round up, not down.
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    expected = _layers_until(factor, threshold)
    value = as_floats(answer)
    if value is None or value.shape != ():
        return wrong(f"The answer should be a whole number of layers; you gave {answer!r}.")
    if not math.isclose(float(value), round(float(value))):
        return wrong(
            f"The answer should be a whole number of layers; you gave {answer!r}. A network "
            "has no fraction of a layer: round up."
        )
    got = round(float(value))
    if got == expected:
        return correct(
            f"{factor} ** {expected} = {factor**expected:.3g} is the first product below "
            f"{threshold:g}: {expected} layers."
        )
    if 0 < got < expected:
        return wrong(
            f"{factor} ** {got} = {factor**got:.5g} is still above {threshold:g}. If you "
            f"computed log({threshold:g}) / log({factor}) = "
            f"{math.log(threshold) / math.log(factor):.3f}, round up, not down."
        )
    if got > expected:
        return wrong(
            f"Fewer layers are enough: {factor} ** {expected} = {factor**expected:.3g} is "
            f"already below {threshold:g}. Look for the smallest depth."
        )
    return compare_number(got, expected, what="the number of layers")


# ----------------------------------------------------------------------------------------------
# 07 · Dropout
# ----------------------------------------------------------------------------------------------
def _dropout_reference(x, keep, rate):
    return np.where(keep, x / (1.0 - rate), 0.0)


def check_inverted_dropout(func) -> Result:
    """Check a learner's ``apply_dropout(x, keep, rate)``: inverted dropout with a given mask.

    Parameters
    ----------
    func : callable
        ``func(x, keep, rate)`` with ``keep`` a boolean array of ``x``'s shape (True = kept):
        returns ``x / (1 - rate)`` where kept and 0 where dropped.

    Examples
    --------
    >>> check_inverted_dropout(lambda x, keep, rate: x * keep / (1 - rate)).passed
    True
    >>> print(check_inverted_dropout(lambda x, keep, rate: x * keep).message)
    ... # doctest: +ELLIPSIS
    apply_dropout(...) returned ... Scale the values you keep by 1 / (1 - rate)...
    """
    rng = np.random.default_rng(7)
    cases = [
        (np.ones((2, 4)), np.array([[1, 0, 1, 0], [0, 0, 1, 1]], dtype=bool), 0.5),
        (np.arange(1.0, 7.0).reshape(2, 3), np.array([[1, 1, 0], [1, 0, 1]], dtype=bool), 0.2),
        (rng.normal(size=(3, 3)), np.ones((3, 3), dtype=bool), 0.0),  # rate 0: nothing changes
        (rng.normal(size=(2, 2)), np.array([[0, 1], [0, 0]], dtype=bool), 0.75),
    ]
    mistakes = [
        (
            lambda x, k, r: x * k,
            "Scale the values you keep by 1 / (1 - rate): then every value's expected value "
            "stays x, and nothing needs to change at inference (inverted dropout).",
        ),
        (
            lambda x, k, r: x * k * (1 - r),
            "Divide the kept values by (1 - rate), do not multiply: they must grow to make up "
            "for the dropped ones.",
        ),
        (
            lambda x, k, r: x * k / r if r > 0 else x * k,
            "Divide by (1 - rate), the fraction kept, not by rate, the fraction dropped.",
        ),
        (
            lambda x, k, r: x * ~k / (1 - r),
            "True in `keep` means the value is kept; you dropped those and kept the others.",
        ),
    ]
    return _check_cases(
        func,
        "apply_dropout",
        cases,
        _dropout_reference,
        mistakes,
        show_args=lambda x, k, r: f"x of shape {x.shape}, keep, rate={r}",
        success="Dropped values are 0 and kept ones are scaled by 1 / (1 - rate).",
    )


def check_dropout_layer(func) -> Result:
    """Check a learner's ``dropout_layer(x, rate, training, rng)``: Keras-style dropout.

    Checked: at inference (``training=False``) the input comes back unchanged; in training a
    fraction ``rate`` of the values (within a few standard deviations, on 40,000 values) is 0,
    the others are scaled by ``1 / (1 - rate)``, so the mean is preserved; the mask comes from
    ``rng`` (the same seed gives the same mask, another seed another mask); ``rate=0`` changes
    nothing; the input array is not modified.

    Examples
    --------
    >>> def dropout_layer(x, rate, training, rng):
    ...     if not training:
    ...         return x
    ...     keep = rng.random(x.shape) >= rate
    ...     return np.where(keep, x / (1 - rate), 0.0)
    >>> check_dropout_layer(dropout_layer).passed
    True
    >>> print(check_dropout_layer(lambda x, rate, training, rng: x * (1 - rate)).message)
    ... # doctest: +ELLIPSIS
    At inference (training=False) ... inverted dropout ...
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, "dropout_layer")

    def run(x, rate, training, seed):
        call = f"{name}(x of shape {x.shape}, rate={rate}, training={training}, rng)"
        value, problem = run_case(
            func,
            (x, rate, training, np.random.default_rng(seed)),
            call,
            in_place_hint="Return a new array instead, so the layer's input stays intact.",
        )
        if problem is None and (as_floats(value) is None or np.shape(value) != x.shape):
            problem = wrong(f"{call} should return an array of shape {x.shape}; got {show(value)}.")
        return (None if problem is not None else as_floats(value)), problem, call

    # Inference: nothing happens.
    x = np.arange(1.0, 13.0).reshape(3, 4)
    got, problem, call = run(x, 0.5, False, 0)
    if problem is not None:
        return problem
    if not np.allclose(got, x):
        if np.allclose(got, x * 0.5):
            return wrong(
                f"At inference (training=False) {call} scaled the input by (1 - rate). With "
                "inverted dropout the scaling already happened during training (kept values "
                "divided by 1 - rate), so at inference return x unchanged."
            )
        if np.any(got == 0):
            return wrong(
                f"At inference (training=False) {call} still dropped values. Dropout is only "
                "used during training; at inference return x unchanged."
            )
        return wrong(f"At inference (training=False) {call} should return x unchanged.")

    # Training on 40,000 ones: the fraction dropped and the scale of the survivors.
    rate = 0.3
    ones = np.ones((200, 200))
    got, problem, call = run(ones, rate, True, 1)
    if problem is not None:
        return problem
    dropped = float(np.mean(got == 0))
    kept = got[got != 0]
    if dropped < 0.005:
        return wrong(
            f"In training {call} dropped {dropped:.1%} of the values; it should drop about "
            f"{rate:.0%} (each value with probability rate)."
        )
    if abs(dropped - (1 - rate)) < 0.02:
        return wrong(
            f"{call} dropped {dropped:.1%} of the values, about 1 - rate. Drop a value with "
            "probability rate: keep it where rng.random(x.shape) >= rate."
        )
    if abs(dropped - rate) > 0.02:
        return wrong(f"{call} dropped {dropped:.1%} of the values; it should be about {rate:.0%}.")
    scale = float(np.median(kept))
    if not np.allclose(kept, 1 / (1 - rate)):
        hint = ""
        if math.isclose(scale, 1.0):
            hint = " Scale the kept values by 1 / (1 - rate) so the mean stays the same."
        elif math.isclose(scale, 1 - rate):
            hint = " Divide by (1 - rate), do not multiply."
        elif math.isclose(scale, 1 / rate):
            hint = " Divide by (1 - rate), the fraction kept, not by rate."
        return wrong(
            f"{call} on an array of ones kept values of {scale:.4g}; they should all be "
            f"1 / (1 - {rate}) = {1 / (1 - rate):.4g}.{hint}"
        )
    mean = float(got.mean())
    if abs(mean - 1.0) > 0.03:
        return wrong(f"{call}: the mean of the output is {mean:.3f}; it should stay close to 1.")

    # The mask comes from rng.
    again, problem, _ = run(ones, rate, True, 1)
    if problem is not None:
        return problem
    other, problem, _ = run(ones, rate, True, 2)
    if problem is not None:
        return problem
    if not np.array_equal(again, got):
        return wrong(
            "Two calls with the same seed gave different masks. Draw the mask from the `rng` "
            "argument (e.g. rng.random(x.shape) >= rate), not from np.random, so the same seed "
            "gives the same mask."
        )
    if np.array_equal(other, got):
        return wrong(
            "Two calls with different seeds gave the same mask: draw a new random mask from "
            "`rng` every call."
        )

    # rate = 0 in training changes nothing.
    got, problem, call = run(x, 0.0, True, 3)
    if problem is not None:
        return problem
    if not np.allclose(got, x):
        return wrong(f"With rate=0 nothing is dropped: {call} should return x unchanged.")
    return correct(
        f"In training about {dropped:.1%} of the values were dropped and the rest scaled by "
        f"1/(1 - {rate}) (mean {mean:.3f}); at inference x passes unchanged."
    )


# ----------------------------------------------------------------------------------------------
# 08 · The fully connected layer
# ----------------------------------------------------------------------------------------------
def check_softmax(func) -> Result:
    """Check a learner's ``my_softmax(scores)`` for one score vector or a batch (one row each).

    Examples
    --------
    >>> def my_softmax(scores):
    ...     e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    ...     return e / e.sum(axis=-1, keepdims=True)
    >>> check_softmax(my_softmax).passed
    True
    >>> print(check_softmax(lambda s: np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)).message)
    ... # doctest: +ELLIPSIS
    my_softmax([1000., 1001., 1002.]) returned [nan, nan, nan], ... Subtract the largest score...
    """
    cases = [
        (np.array([1.0, 2.0, 3.0]),),
        (np.array([0.0, 0.0, 0.0, 0.0]),),  # equal scores: equal probabilities
        (np.array([-2.0, 0.5, 4.0, 1.0]),),
        (np.array([1000.0, 1001.0, 1002.0]),),  # large scores: e^1000 overflows
        (np.array([[1.0, 2.0], [3.0, 5.0], [0.0, 0.0]]),),  # a batch: one row per example
    ]
    mistakes = [
        (
            lambda s: s / s.sum(axis=-1, keepdims=True),
            "Exponentiate first: softmax(s)_k = e^(s_k) / sum_j e^(s_j). Dividing the scores "
            "by their sum fails for negative scores and for scores that sum to 0.",
        ),
        (
            lambda s: np.exp(s - s.max()) / np.exp(s - s.max()).sum(),
            "For a batch, normalise each row (example) separately: sum over axis=-1 with "
            "keepdims=True, so every row sums to 1.",
        ),
        (
            lambda s: np.exp(s - s.max(axis=0)) / np.exp(s - s.max(axis=0)).sum(axis=0),
            "For a batch, each *row* is one example: sum over the last axis (axis=-1, "
            "keepdims=True), not over axis 0.",
        ),
        (
            lambda s: np.exp(s),
            "Divide by the sum of the exponentials so the probabilities add up to 1.",
        ),
    ]
    return _check_cases(
        func,
        "my_softmax",
        cases,
        lambda s: softmax(s, axis=-1),
        mistakes,
        not_finite=(
            "e^1000 overflows to inf and inf / inf is nan. Subtract the largest score first "
            "(scores - scores.max(axis=-1, keepdims=True)): softmax does not change when the "
            "same number is subtracted from every score."
        ),
        success="Positive probabilities that sum to 1 for every example, without overflow.",
    )


def _ce_reference(y_true, probs):
    return float(categorical_crossentropy(y_true, probs))


def check_cross_entropy(func) -> Result:
    """Check a learner's ``cross_entropy(y_true, probs)``: mean over examples of -sum y ln p.

    Parameters
    ----------
    func : callable
        ``func(y_true, probs)`` with one-hot labels and predicted probabilities, both of shape
        (N, classes); returns one number, the average over the N examples.

    Examples
    --------
    >>> check_cross_entropy(lambda y, p: -np.mean(np.sum(y * np.log(p), axis=1))).passed
    True
    >>> print(check_cross_entropy(lambda y, p: np.mean(np.sum(y * np.log(p), axis=1))).message)
    ... # doctest: +ELLIPSIS
    cross_entropy(...) returned -0.223144, but the answer is 0.223144. ...minus sign...
    """
    cases = [
        (np.array([[0.0, 1.0, 0.0]]), np.array([[0.1, 0.8, 0.1]])),
        (
            np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
            np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]),
        ),
        (
            np.eye(4)[[3, 0, 1]],
            np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.05, 0.9, 0.03, 0.02]]),
        ),
        (np.array([[0.0, 1.0]]), np.array([[0.001, 0.999]])),  # confident and right: near 0
    ]

    def per_example(y, p):
        return -np.sum(y * np.log(p), axis=1)

    mistakes = [
        (
            lambda y, p: -float(np.mean(per_example(y, p))),
            "The loss should be positive: you are missing the minus sign, -sum y ln p.",
        ),
        (
            lambda y, p: float(np.sum(per_example(y, p))),
            "Average over the examples (np.mean over axis 0), do not add them up.",
        ),
        (
            lambda y, p: float(np.mean(per_example(y, p))) / np.log(10),
            "Use the natural logarithm, np.log, not np.log10.",
        ),
        (
            lambda y, p: float(-np.mean(y * np.log(p))),
            "np.mean over the whole array also divides by the number of classes. Sum over the "
            "classes (axis=1) first, then average over the examples.",
        ),
        (
            lambda y, p: float(-np.mean(np.sum(np.log(p), axis=1))),
            "Only the probability of the true class counts: multiply ln p by the one-hot labels "
            "y before summing.",
        ),
        (
            lambda y, p: float(-np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))),
            "That is binary cross-entropy for independent yes/no outputs; for one class out of "
            "many (softmax outputs) use -sum y ln p only.",
        ),
    ]
    return _check_cases(
        func,
        "cross_entropy",
        cases,
        _ce_reference,
        mistakes,
        show_args=lambda y, p: f"y_true of shape {y.shape}, probs of shape {p.shape}",
        success="-sum y ln p per example, averaged over the examples, as Keras computes it.",
    )


def check_fc_params(
    answer,
    *,
    input_shape=(28, 28, 1),
    kernel_size=3,
    filters=32,
    stride=1,
    padding="valid",
    pool_size=2,
    units=10,
) -> Result:
    """Check the parameter count of the dense layer after conv -> max-pool -> flatten.

    The network: an ``input_shape`` image, ``Conv2D(filters, kernel_size, stride, padding)``,
    ``MaxPooling2D(pool_size)`` (stride = pool size), ``Flatten``, ``Dense(units)``.

    Parameters
    ----------
    answer : int
        The learner's count of the dense layer's weights and biases.
    input_shape, kernel_size, filters, stride, padding, pool_size, units :
        The network (defaults: 28×28×1, 32 filters of 3×3, 'valid', 2×2 pooling, 10 classes).

    Examples
    --------
    >>> check_fc_params(13 * 13 * 32 * 10 + 10).passed
    True
    >>> print(check_fc_params(13 * 13 * 32 * 10).message)   # doctest: +ELLIPSIS
    the dense layer's parameters should be 54090, you gave 54080 (10 too few). ...biases...
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    h, w, c = input_shape
    conv_hw = output_shape((h, w), kernel_size, stride, padding)
    pool_hw = output_shape(conv_hw, pool_size, pool_size)
    flat = pool_hw[0] * pool_hw[1] * filters
    expected = dense_params(flat, units)
    result = compare_number(answer, expected, what="the dense layer's parameters")
    if result.passed:
        return correct(
            f"conv {conv_hw[0]}×{conv_hw[1]}×{filters} -> pool {pool_hw[0]}×{pool_hw[1]}×"
            f"{filters} -> flatten {flat:,} values; {flat:,} × {units} weights + {units} biases "
            f"= {expected:,}."
        )
    hints = {
        flat * units: "You forgot the biases: one per neuron of the dense layer.",
        flat: f"{flat:,} is the flattened length; every one of those values is connected to "
        f"each of the {units} neurons, and each neuron has a bias.",
        dense_params(conv_hw[0] * conv_hw[1] * filters, units): "You skipped the pooling layer: "
        f"it shrinks the {conv_hw[0]}×{conv_hw[1]} maps before flattening.",
        dense_params(pool_hw[0] * pool_hw[1], units): f"Flatten keeps all {filters} channels: "
        f"the flattened length is height × width × {filters}.",
        expected + conv_params(kernel_size, c, filters): "That includes the convolution's "
        "parameters; count only the dense layer.",
    }
    same_hw = output_shape(output_shape((h, w), kernel_size, stride, "same"), pool_size, pool_size)
    if padding == "valid" and same_hw != pool_hw:
        hints[dense_params(same_hw[0] * same_hw[1] * filters, units)] = (
            f"With 'valid' padding the {kernel_size}×{kernel_size} convolution shrinks the "
            f"image to {conv_hw[0]}×{conv_hw[1]} before pooling."
        )
    value = as_floats(answer)
    if value is not None and value.shape == () and float(value) in hints:
        return wrong(f"{result.message} {hints[float(value)]}")
    return wrong(
        f"{result.message} Work it out layer by layer: conv output size, then pooling, then "
        "flatten (height × width × channels), then weights + biases."
    )
