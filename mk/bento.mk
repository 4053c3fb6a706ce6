##@ bento/: the service's Lambda mode and its API checked by Postman's tools
# Lambda mode of the service image (bento/lambda_handler.py): the same image, started with the
# Lambda runtime interface client (awslambdaric) instead of `bentoml serve`, answers API
# Gateway proxy events. docs/deployment-targets.md says why, what ran here and the figures.
# AWS SAM CLI prints AWS's own event shapes (`sam local generate-event`); it pins its own
# dependencies, so it lives in a virtualenv of its own, like checkov (in CACHE_DIR: made once
# for every checkout of this machine).
SAM_VERSION := 1.170.0
SAM_VENV := $(CACHE_DIR)/venv-sam-$(SAM_VERSION)
export SAM := $(SAM_VENV)/bin/sam
LAMBDA_EVENTS := tests/fixtures/lambda_events
LAMBDA_BENCH_REQUESTS ?= 300

$(SAM):
	$(call tool_venv,$(SAM_VENV),aws-sam-cli==$(SAM_VERSION))

.PHONY: sam-install
sam-install: $(SAM) ## Install AWS SAM CLI $(SAM_VERSION) in its own virtualenv (event shapes only)

TEST_TOOLS += sam-install

.PHONY: lambda-events
lambda-events: sam-install ## Regenerate the API Gateway proxy events the handler tests use (tests/fixtures/lambda_events)
	$(PY) -m tests.fixtures.lambda_events --sam $(SAM) --write $(LAMBDA_EVENTS)

.PHONY: bench-lambda
bench-lambda: venv ## Lambda cold start (import + model load, first request) and warm p50/p99, in the venv and in the image (IMAGE_RECORD)
	$(PY) -m bench.lambda_cold_start --requests $(LAMBDA_BENCH_REQUESTS) \
		$(if $(wildcard $(IMAGE_RECORD)),--record $(IMAGE_RECORD))

# API checks with Postman's tools (npm, pinned in bento/postman/package-lock.json).
POSTMAN_SRC := bento/postman
export POSTMAN_NODE_MODULES := $(CURDIR)/build/postman-node/node_modules

$(POSTMAN_NODE_MODULES)/.installed: $(POSTMAN_SRC)/package.json $(POSTMAN_SRC)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (>= 20) with npm." >&2; exit 1; }
	mkdir -p $(dir $(POSTMAN_NODE_MODULES))
	cp $^ $(dir $(POSTMAN_NODE_MODULES))
	cd $(dir $(POSTMAN_NODE_MODULES)) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: postman-tools
postman-tools: $(POSTMAN_NODE_MODULES)/.installed ## Install openapi-to-postmanv2, newman and its HTML reporter (project-local)

TEST_TOOLS += postman-tools

.PHONY: postman-collection
postman-collection: venv postman-tools ## Regenerate bento/postman/ from a served /docs.json: URL=http://127.0.0.1:PORT
	@test -n "$(URL)" || { echo "URL is required: make postman-collection URL=http://127.0.0.1:PORT (see make serve)." >&2; exit 2; }
	$(PY) -m bento.postman generate $(URL)

.PHONY: newman
newman: venv postman-tools ## Run the kept collection with newman against URL=...; HTML report in build/newman/
	@test -n "$(URL)" || { echo "URL is required: make newman URL=http://127.0.0.1:PORT (or make newman-local)." >&2; exit 2; }
	$(PY) -m bento.postman run $(URL)

.PHONY: newman-local
newman-local: register postman-tools ## Serve this checkout on a free loopback port and run newman against it (CI)
	$(PY) -m bento.postman serve-and-run
