# Regression guards of notebook 02: cnnlab's Sobel maps match scikit-image, as its text says.
assert diff_v < 1e-12 and diff_h < 1e-12, (
    "away from the border cnnlab / 4 equals sobel_v and sobel_h"
)
assert np.allclose(gx_mirror / 4, filters.sobel_v(camera)), (
    "with a mirrored border they agree everywhere"
)
assert np.allclose(ours, filters.sobel(camera)[inside]), (
    "filters.sobel is sqrt((gx² + gy²) / 2) of the components"
)
assert ratios[3] < ratios[5] < ratios[7], (
    "on the noisy step, edge / noise grows with the Sobel size"
)
