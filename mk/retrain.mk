##@ Retraining and drift
# Retraining and drift monitoring (see reports/README.md).
WINDOW ?=

.PHONY: retrain
retrain: venv ## Retrain on data changed since the champion: drift, gate, reports/<version>/report.md
	$(PY) -m model --data $(DATA) retrain

.PHONY: drift
drift: venv ## Recent inputs vs training data: WINDOW=<csv|jsonl>; exits 1 beyond thresholds
	@test -n '$(WINDOW)' || { echo "Set WINDOW= to a CSV or JSON Lines file of recent inputs." >&2; exit 2; }
	$(PY) -m model --data $(DATA) drift --window '$(WINDOW)'

.PHONY: report
report: venv ## Regenerate reports/ for the champion in config/champion.json (replays its retrain)
	$(PY) -m model --data $(DATA) report
