##@ model/: data checks, training, retraining and drift, the MLflow registry, serving
# Model pipeline targets (see model/README.md). DATA and PORT come from mk/common.mk.

.PHONY: validate
validate: venv ## Validate every data file against the schema
	$(PY) -m model --data $(DATA) validate

.PHONY: train
train: venv ## Validate → train → evaluate → gate → register; champion updated only on a pass
	$(PY) -m model --data $(DATA) train

.PHONY: register
register: venv ## Make sure the champion model is in the local BentoML store (rebuilt from git)
	$(PY) -m model --data $(DATA) register

.PHONY: bento
bento: register ## Build the bento (service + champion model) once per content; tag in build/bento-tag.txt
	@mkdir -p build
	$(PY) -m bento.build > build/bento-tag.txt
	@echo "bento: $$(cat build/bento-tag.txt)"

.PHONY: serve
serve: register ## Serve the champion on 127.0.0.1:$(PORT)
	$(BIN)/bentoml serve bento.service:Bikeshare --host 127.0.0.1 --port $(PORT)

.PHONY: demo
demo: venv ## The main job end to end: data → gated model → bento → service answering requests
	$(PY) -m demo

# Retraining and drift monitoring (see reports/README.md).
WINDOW ?=

.PHONY: retrain
retrain: venv ## Retrain on data changed since the champion: drift, gate, reports/<version>/report.md
	$(PY) -m model --data $(DATA) retrain

.PHONY: drift
drift: venv ## Recent inputs vs training data: WINDOW=<csv|jsonl>; exits 1 beyond thresholds
	@test -n '$(WINDOW)' || { echo "Set WINDOW= to a CSV or JSON Lines file of recent inputs." >&2; exit 2; }
	$(PY) -m model --data $(DATA) drift --window '$(WINDOW)'

# MLflow tracking and registry (see model/README.md). Training logs to MLFLOW_TRACKING_URI,
# or to the embedded store in .mlflow/ (SQLite + artifact folder, no server) when unset.
# The server (tests, `make mlflow-ui`) lives in a virtualenv of its own: mlflow 3.17.2 wants
# pyarrow<26 while the project pins 26.0.1; the project itself needs only mlflow-skinny.
MLFLOW_VERSION := 3.17.2
# boto3: the server writes artifacts to the S3 bucket (moto in the tests); psycopg2: its
# PostgreSQL store (day one: tests/dayone).
MLFLOW_SERVER_PACKAGES := mlflow==$(MLFLOW_VERSION) boto3==1.44.5 psycopg2-binary==2.9.13
MLFLOW_VENV := $(CACHE_DIR)/venv-mlflow-$(MLFLOW_VERSION)-boto3-1.44.5-psycopg2-2.9.13
export MLFLOW_SERVER := $(MLFLOW_VENV)/bin/mlflow
MLFLOW_PORT ?= 5000

$(MLFLOW_SERVER):
	$(call tool_venv,$(MLFLOW_VENV),$(MLFLOW_SERVER_PACKAGES))

.PHONY: mlflow-server-install
mlflow-server-install: $(MLFLOW_SERVER) ## Install the MLflow server in its own virtualenv
TEST_TOOLS += mlflow-server-install

.PHONY: mlflow-ui
mlflow-ui: $(MLFLOW_SERVER) ## Open the embedded MLflow store (runs, metrics, plots, models) on 127.0.0.1:$(MLFLOW_PORT)
	@mkdir -p .mlflow
	MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false $(MLFLOW_SERVER) ui --backend-store-uri 'sqlite:///$(CURDIR)/.mlflow/mlflow.db' \
		--host 127.0.0.1 --port $(MLFLOW_PORT)

# The release path never trains: it fetches the registered artifact the champion record
# pins, checks its sha256 and imports it; `bento.build` checks the bento's copy again.
.PHONY: release-model
release-model: venv ## Fetch the champion's registered artifact, check its sha256, import it (never trains)
	$(PY) -m model release-model

.PHONY: release-bento
release-bento: release-model ## Build the bento from the released model only; tag in build/bento-tag.txt
	@mkdir -p build
	$(PY) -m bento.build > build/bento-tag.txt
	@echo "bento: $$(cat build/bento-tag.txt)"

.PHONY: mlflow-champion-alias
mlflow-champion-alias: venv ## Point the registry's alias `champion` at the version the record pins (after merge)
	$(PY) -m model champion-alias

.PHONY: report
report: venv ## Regenerate reports/ for the champion in config/champion.json (replays its retrain)
	$(PY) -m model --data $(DATA) report
