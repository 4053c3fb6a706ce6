# The one entry point: the same targets run on a laptop and in CI.
# `make` alone prints the targets and what they do.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export BENTOML_DO_NOT_TRACK := true
# A repository-local BentoML store keeps models and bentos out of the user's home.
export BENTOML_HOME ?= $(CURDIR)/.bentoml

include mk/*.mk

.PHONY: help
help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST) | sort
