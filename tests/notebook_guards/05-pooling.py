# Guards of notebooks/05-pooling.ipynb: what its text says about the shift experiment on the
# camera image's Sobel map (cells "Robustness to small shifts" and the correlation plot).
one = results["max", 1]
assert one.pooled_unchanged > 2 * one.unpooled_unchanged, (
    "after a one-pixel shift, several times more of the max-pooled map is unchanged than of the raw map"
)
assert one.pooled_correlation > one.unpooled_correlation, (
    "after a one-pixel shift the max-pooled map correlates better with the original than the raw map"
)
for mode in ["avg", "l2"]:
    r = results[mode, 1]
    assert r.pooled_unchanged < r.unpooled_unchanged, (
        f"{mode} pooling: few values stay exactly equal after a one-pixel shift"
    )
    assert r.pooled_correlation > r.unpooled_correlation, (
        f"{mode} pooling: the pooled pattern still correlates better than the raw map"
    )
assert results["max", 2].pooled_unchanged < 0.1, (
    "a shift of 2 (a whole window): hardly any max-pooled value stays exactly the same"
)
for mode in ["max", "avg", "l2"]:
    r = results[mode, 2]
    assert r.pooled_correlation > r.unpooled_correlation, (
        f"shift 2, {mode} pooling: the pooled pattern still correlates better than the raw one"
    )
assert curves["3×3 max"][0] > curves["2×2 max"][0] > curves["no pooling"][0], (
    "larger windows tolerate a one-pixel shift better: 3×3 > 2×2 > no pooling"
)
assert discarded == 0.75, "2×2 pooling with stride 2 discards 75% of the values"
assert pooled_twice.shape == (127, 127), "the 510×510 map pooled twice is 127×127"
