# Regression guards of notebook 04: the formula's sizes are the sizes conv2d really produces.
assert all(
    cnnlab.conv2d(
        np.zeros((e["input_size"],) * 2),
        np.zeros((e["kernel_size"],) * 2),
        **{key: e[key] for key in ("stride", "padding", "dilation") if key in e},
    ).shape
    == (cnnlab.output_size(**e),) * 2
    for e in examples
), "conv2d produces the sizes that output_size computes"
assert cnnlab.images.load_image("camera").shape[1] == 512, (
    "Explore prompt 2: the camera is 512 wide"
)
assert cnnlab.images.load_image("chelsea").shape[1] == 451, "Explore prompt 2: chelsea is 451 wide"
