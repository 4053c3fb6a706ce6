##@ tests/: the virtualenv, lint, the test tiers and the tools they need
# Virtualenv with pinned dependencies; rebuilt only when pyproject.toml changes.
PYTEST_ARGS ?=
EXTRAS := dev,terraform,gitops,workflows,image,batch,bench,tracking

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create the virtualenv with pinned dependencies

# lint only names checks: .pre-commit-config.yaml runs the same targets, one hook each.
.PHONY: lint
lint: lint-python tf-fmt-check zizmor ## Lint: Python (ruff), Terraform (terraform fmt), workflows (zizmor)

.PHONY: lint-python
lint-python: venv ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: venv ## Format Python in place
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# make test's pytest-xdist workers. The costly fixtures start once in the whole run (a file
# lock, tests/fixtures/shared.py) or once per worker; tests that must share a worker are
# grouped (tests/conftest.py, --dist loadfile). TEST_WORKERS=0 runs in one process. Tests
# marked `alone` (played pods watched by a real Prometheus) run after, one at a time.
TEST_WORKERS ?= 2

.PHONY: test
test: lint ## Run the whole test suite (lint first; TEST_WORKERS=$(TEST_WORKERS) xdist workers)
	@$(MAKE) -j $(TEST_TOOLS)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not alone" $(PYTEST_ARGS)
	$(BIN)/pytest -m alone $(PYTEST_ARGS)

# The tier to run while editing: no server, container, emulator, Spark, act, checkov or npm
# (tests marked slow are left to `make test`). Ruff only: it takes a second. It installs the
# few tools its own tests run (TEST_FAST_TOOLS: promtool, shellcheck).
.PHONY: test-fast
test-fast: venv ## Fast tests only (-m "not slow", under 60 s once set up), after ruff
	@$(MAKE) $(TEST_FAST_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

.PHONY: clean
clean: ## Remove build outputs (keeps the virtualenv)
	rm -rf build .pytest_cache .ruff_cache

# Tools the checks need, installed on demand. A missing tool is a clear failure, never a skip.
# Debian packages go through $(call apt_require,...) from mk/common.mk.

# checkov pins an old boto3, so it lives in a virtualenv of its own ($(CHECKOV_VENV)).
$(CHECKOV):
	$(call tool_venv,$(CHECKOV_VENV),checkov==$(CHECKOV_VERSION))

.PHONY: checkov-install
checkov-install: $(CHECKOV) ## Install checkov $(CHECKOV_VERSION) in its own virtualenv

TEST_TOOLS += checkov-install
