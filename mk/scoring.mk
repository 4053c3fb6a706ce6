##@ scoring/: batch scoring and the Spark backfill
# Batch scoring (see scoring/README.md): one period from S3 with the champion, and a Spark backfill.
MAX_REJECT_RATE ?= 0.05
SPARK_MASTER ?= local[2]
BACKFILL_OUT ?= build/backfill

.PHONY: score
score: register moto-start ## Score PERIOD=YYYY-MM in the local stack's artifacts bucket (on moto)
	@$(MOTO_CREDS) MAKE=$(MAKE) PYTHON=$(PY) MOTO_ENDPOINT=$(MOTO_ENDPOINT) MOTO_DIR=$(MOTO_DIR) \
	  $(PYTHON) -m scripts.stage '$(PERIOD)' --score $(MAX_REJECT_RATE)

.PHONY: backfill
backfill: register ## Score every period in data/ on Spark (master $(SPARK_MASTER)) into $(BACKFILL_OUT)/
	$(PY) -m scoring.spark_backfill --master '$(SPARK_MASTER)' --input $(sort $(wildcard $(DATA)/????-??.csv)) \
	  --output $(BACKFILL_OUT)

.PHONY: bench-batch
bench-batch: venv register ## Batch throughput, 1M synthetic rows (several minutes): bench/results/batch.md
	$(PY) -m bench.batch_throughput
