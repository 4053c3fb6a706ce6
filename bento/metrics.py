"""The service's own Prometheus metrics, with prometheus_client.

`bentoml serve` runs the workers in prometheus_client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR) and its /metrics endpoint reads every worker's files, so these
series appear once, summed over the workers. They are created in the worker (from the
service's __init__): prometheus_client picks single- or multiprocess storage when it is first
imported, which must happen once that directory is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SAMPLED_ROWS = 1_000  # observed per request at most: the histogram stays cheap on batches
BUCKETS = (5, 10, 25, 50, 100, 200, 300, 400, 600, 800, float("inf"))


@dataclass(frozen=True)
class ServiceMetrics:
    predicted: Any  # Histogram of predicted rentals per hour

    def observe(self, rentals: Any) -> None:
        for value in rentals[:: max(1, len(rentals) // SAMPLED_ROWS)][:SAMPLED_ROWS]:
            self.predicted.observe(value)


def create(model_version: str, data_fingerprint: str) -> ServiceMetrics:
    from prometheus_client import Gauge, Histogram

    info = Gauge(
        "bikeshare_model_info",
        "The model being served (value 1), labelled with its version and data",
        ["model_version", "data_fingerprint"],
        multiprocess_mode="max",  # one series for the service, not one per worker
    )
    info.labels(model_version, data_fingerprint).set(1)
    predicted = Histogram(
        "bikeshare_predicted_rentals",
        "Distribution of predicted rentals per hour (up to 1000 rows per request)",
        buckets=BUCKETS,
    )
    return ServiceMetrics(predicted=predicted)
