# Model pipeline targets (see model/README.md).
DATA ?= data

.PHONY: validate
validate: venv ## Validate every data file against the schema
	$(PY) -m model --data $(DATA) validate

.PHONY: train
train: venv ## Validate → train → evaluate → gate → register; champion updated only on a pass
	$(PY) -m model --data $(DATA) train

.PHONY: register
register: venv ## Make sure the champion model is in the local BentoML store (rebuilt from git)
	$(PY) -m model --data $(DATA) register
