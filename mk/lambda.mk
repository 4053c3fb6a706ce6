##@ Lambda mode
# Lambda mode of the service image (bento/lambda_handler.py): the same image, started with the
# Lambda runtime interface client (awslambdaric) instead of `bentoml serve`, answers API
# Gateway proxy events. docs/deployment-targets.md says why, what ran here and the figures.
# AWS SAM CLI prints AWS's own event shapes (`sam local generate-event`); it pins its own
# dependencies, so it lives in a virtualenv of its own, like checkov.
SAM_VERSION := 1.170.0
SAM_VENV := .venv-sam
export SAM := $(CURDIR)/$(SAM_VENV)/bin/sam
LAMBDA_EVENTS := tests/fixtures/lambda_events
LAMBDA_BENCH_REQUESTS ?= 300

$(SAM):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli==$(SAM_VERSION)'

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
