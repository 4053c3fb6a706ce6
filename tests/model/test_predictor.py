"""The predictor: its fast paths give the pipeline's predictions bit for bit, and it falls back
to the pipeline (with a log line) where the fast paths do not apply."""

from __future__ import annotations

import logging

import bentoml
import numpy as np
import pandas as pd
import pytest

from model import compat
from model.predictor import DECIMALS, SMALL_ROWS, FastPredictor, Predictor
from model.schema import FEATURES
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # the champion, registered from git (a training run)


@pytest.fixture(scope="module")
def pipeline(champion_in_store: str):
    return bentoml.sklearn.load_model(champion_in_store)


@pytest.fixture(scope="module")
def december() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "2011-12.csv")[list(FEATURES)]


@pytest.mark.parametrize("rows", [1, SMALL_ROWS, SMALL_ROWS + 1, 744])
def test_fast_predictor_equals_the_pipeline_on_real_rows(pipeline, december, rows):
    frame = december.head(rows)
    fast = FastPredictor(pipeline)
    columns = {name: frame[name].tolist() for name in FEATURES}
    assert np.array_equal(fast.predict(columns), pipeline.predict(frame))
    # Arrays (the scoring job's input) and lists (the service's) give the same numbers.
    arrays = {name: frame[name].to_numpy() for name in FEATURES}
    assert np.array_equal(fast.predict(arrays), pipeline.predict(frame))


def test_both_tree_walks_agree_on_every_december_hour(pipeline, december):
    fast = FastPredictor(pipeline)
    features = fast.matrix({name: december[name].tolist() for name in FEATURES})
    expected = pipeline.predict(december)
    assert np.array_equal(fast.forest.predict(features), expected)
    assert np.array_equal(fast.binned.predict(features), expected)


def test_another_model_shape_is_refused(pipeline):
    with pytest.raises(ValueError, match="encode -> regress"):
        FastPredictor(pipeline.named_steps["regress"])


def test_predictions_are_clipped_and_rounded_pipeline_predictions(pipeline, december):
    expected = np.clip(pipeline.predict(december), 0, None).round(DECIMALS)
    assert np.array_equal(Predictor(pipeline).predict_frame(december), expected)


def test_an_unknown_scikit_learn_version_switches_the_fast_paths_off(
    pipeline, december, monkeypatch, caplog
):
    monkeypatch.setattr(compat, "SKLEARN_WRITTEN_FOR", "0.0.0")
    with caplog.at_level(logging.WARNING, logger="bikeshare.predictor"):
        predictor = Predictor(pipeline)
    assert predictor.fast is None
    assert "fast prediction paths off" in caplog.text and "0.0.0" in caplog.text
    expected = np.clip(pipeline.predict(december), 0, None).round(DECIMALS)
    assert np.array_equal(predictor.predict_frame(december), expected)
