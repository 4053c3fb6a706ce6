# Batch scoring (see scoring/README.md): one period from S3 with the champion, and a Spark backfill.
PERIOD ?=
MAX_REJECT_RATE ?= 0.05
SPARK_MASTER ?= local[2]
BACKFILL_OUT ?= build/backfill

.PHONY: score
score: register moto-start ## Score PERIOD=YYYY-MM in the local stack's artifacts bucket (on moto)
	@test -n "$(PERIOD)" || { echo "Set PERIOD=YYYY-MM (a file in data/), e.g. make score PERIOD=2011-12." >&2; exit 1; }
	@$(MOTO_CREDS) $(PY) -m scoring.stage_local exists --endpoint-url $(MOTO_ENDPOINT) || \
	  { echo "No local stack yet: applying terraform/envs/local on moto (about 2 minutes)."; \
	    $(MAKE) tf-apply ENV=local >$(MOTO_DIR)/tf-apply-for-score.log 2>&1 || \
	    { echo "make tf-apply ENV=local failed: see $(MOTO_DIR)/tf-apply-for-score.log" >&2; exit 1; }; }
	@$(MOTO_CREDS) bucket=$$($(PY) -m scoring.stage_local stage --period $(PERIOD) --endpoint-url $(MOTO_ENDPOINT)) && \
	  $(PY) -m scoring score --period $(PERIOD) --bucket "$$bucket" \
	    --endpoint-url $(MOTO_ENDPOINT) --max-reject-rate $(MAX_REJECT_RATE)

.PHONY: backfill
backfill: register ## Score every period in data/ on Spark (local[2] by default) into build/backfill/
	$(PY) -m scoring.spark_backfill --master '$(SPARK_MASTER)' --input $(sort $(wildcard $(DATA)/????-??.csv)) \
	  --output $(BACKFILL_OUT)

.PHONY: bench-batch
bench-batch: venv register ## Batch throughput, 1M synthetic rows (several minutes): bench/results/batch.md
	$(PY) -m bench.batch_throughput
