##@ Model and service
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
