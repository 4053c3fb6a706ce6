"""The service's fast prediction paths give the pipeline's predictions, bit for bit."""

from __future__ import annotations

import bentoml
import numpy as np
import pandas as pd
import pytest

from bento.fast_predict import SMALL_ROWS, FastPredictor
from model.schema import FEATURES
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # the champion retrained into the store (7 s)


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


def test_both_tree_walks_agree_on_every_december_hour(pipeline, december):
    fast = FastPredictor(pipeline)
    features = fast.matrix({name: december[name].tolist() for name in FEATURES})
    expected = pipeline.predict(december)
    assert np.array_equal(fast.forest.predict(features), expected)
    assert np.array_equal(fast.binned.predict(features), expected)


def test_another_model_shape_is_refused(pipeline):
    with pytest.raises(ValueError, match="encode -> regress"):
        FastPredictor(pipeline.named_steps["regress"])
