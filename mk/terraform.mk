# Terraform targets (see terraform/README.md).
TF ?= terraform

.PHONY: tf-fmt-check
tf-fmt-check: ## Check Terraform formatting
	@if [ -d terraform ]; then $(TF) fmt -check -recursive terraform; fi
