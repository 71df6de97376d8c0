# Guards of notebooks/09-dropout.ipynb: the statistical outcomes its text states, with the
# notebook's own random masks, seeds and experiment settings.
for rate, average in averages.items():
    assert abs(average.mean() - patch.mean()) < 0.02 * patch.mean(), (
        f"averaged over 2000 masks, dropout with rate {rate} keeps the mean of the patch"
    )
assert abs(np.mean(big == 0) - 0.5) < 0.01 and abs(big.mean() - 1) < 0.02, (
    "Keras's Dropout(0.5) drops about half the values and keeps the mean"
)
assert rates == (0.0, 0.5), "the text describes the runs with rates 0 and 0.5"
assert plain["accuracy"][-1] > 0.9, "without dropout the training accuracy climbs towards 100%"
assert plain["val_accuracy"][-1] < plain["val_accuracy"].max() - 0.05, (
    "without dropout the validation accuracy peaks, then falls"
)
assert plain["val_loss"][-1] > plain["val_loss"].min() + 0.05, (
    "without dropout the validation loss climbs: over-fitting"
)
assert drop["accuracy"][-1] < plain["accuracy"][-1] - 0.1, (
    "with dropout the training accuracy stays well below"
)
assert drop["val_accuracy"][-1] > plain["val_accuracy"][-1] + 0.05, (
    "with dropout the validation accuracy ends clearly higher"
)
assert abs(plain["accuracy"][19] - correct_labels) < 0.05, (
    "without dropout the training accuracy pauses near the fraction of correct labels"
)
assert memorised[0.0] > memorised[0.5] + 0.3, "dropout memorised far fewer wrong labels"
assert accuracy(averaged) > one_thinned and accuracy(full) > one_thinned, (
    "any single thinned network is clearly worse than the full one and than their average"
)
assert abs(accuracy(averaged) - accuracy(full)) < 0.03, (
    "the average of the thinned networks is about as good as the full network"
)
assert 2**droppable > 10**70, "an astronomical number of thinned networks"
