# Virtualenv with pinned dependencies; rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
EXTRAS := dev,terraform,gitops,workflows,image,batch,bench,tracking

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create the virtualenv with pinned dependencies

.PHONY: lint
lint: venv tf-fmt-check ## Lint and format-check Python (ruff) and Terraform (terraform fmt)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: venv ## Format Python in place
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: test
test: lint ## Run the whole test suite (lint first)
	@$(MAKE) $(TEST_TOOLS)
	$(BIN)/pytest $(PYTEST_ARGS)

.PHONY: clean
clean: ## Remove build outputs (keeps the virtualenv)
	rm -rf build .pytest_cache .ruff_cache
