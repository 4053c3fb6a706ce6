##@ terraform/: plan, apply and the AWS emulator
# Terraform targets (see terraform/README.md).
TF ?= terraform
TF_DIR := terraform
# An environment is a folder envs/<env>/ with a terraform.tfvars: local is its own root (moto),
# every other one is applied with the shared root account/ (one AWS account each).
TF_ENVS := local $(filter-out local,$(notdir $(patsubst %/,%,$(dir $(wildcard $(TF_DIR)/envs/*/terraform.tfvars)))))
TF_ROOTS := $(wildcard $(TF_DIR)/modules/*) $(TF_DIR)/envs/local $(TF_DIR)/account $(TF_DIR)/bootstrap
TF_BUILD := $(CURDIR)/build/terraform
TF_STATE_BUCKET ?=
# The sha256 of the reviewed saved plan (tf-apply-plan refuses any other file).
PLAN_SHA256 ?=

# The recipes are scripts/tf.py and scripts/emulator.py; ENV, ports and the emulator's
# endpoint, directory and fake credentials (MOTO_*) come from mk/common.mk.
TF_SH = TF=$(TF) TF_BUILD=$(TF_BUILD) TF_STATE_BUCKET=$(TF_STATE_BUCKET) \
	MOTO_ENDPOINT=$(MOTO_ENDPOINT) MOTO_DIR=$(MOTO_DIR) $(PYTHON) -m scripts.tf
# ENV=local runs against moto with its credentials; staging and prod against real AWS.
TF_ENV_CREDS = $(if $(filter local,$(ENV)),$(MOTO_CREDS))
TF_ENV_DEPS = $(if $(filter local,$(ENV)),moto-start)
# Terraform state of the emulated stack: stale as soon as its moto server is gone.
MOTO_STALE := $(TF_BUILD)/local $(TF_BUILD)/bootstrap-local

.PHONY: tf-check-env
tf-check-env:
	@case " $(TF_ENVS) " in *" $(ENV) "*) ;; *) echo "ENV must be one of: $(TF_ENVS) (got '$(ENV)')." >&2; exit 1;; esac

.PHONY: tf-fmt-check
tf-fmt-check: ## Check Terraform formatting
	@if [ -d terraform ]; then $(TF) fmt -check -recursive terraform; fi

.PHONY: tf-fmt
tf-fmt: ## Format Terraform files in place
	$(TF) fmt -recursive $(TF_DIR)

.PHONY: tf-docs
tf-docs: venv ## Regenerate the inputs/outputs tables of the module READMEs
	$(PY) $(SCRIPTS)/module_docs.py $(wildcard $(TF_DIR)/modules/*)

.PHONY: tf-validate
tf-validate: ## terraform validate every module and root (no backend, no credentials)
	@$(TF_SH) validate $(TF_ROOTS)

.PHONY: tf-test
tf-test: ## terraform test every module (mocked AWS provider, offline)
	@$(TF_SH) test $(wildcard $(TF_DIR)/modules/*)

.PHONY: tf-plan
tf-plan: tf-check-env $(TF_ENV_DEPS) ## terraform plan ENV=local|staging|prod (default $(ENV); local: against moto)
	@$(TF_ENV_CREDS) $(TF_SH) plan $(ENV)

.PHONY: tf-plan-save
tf-plan-save: tf-check-env $(TF_ENV_DEPS) ## Plan ENV into build/terraform/plan-ENV.tfplan (+ .sha256, + .txt for the reviewers)
	@$(TF_ENV_CREDS) $(TF_SH) plan-save $(ENV)

.PHONY: tf-apply-plan
tf-apply-plan: tf-check-env $(TF_ENV_DEPS) ## Apply the saved plan of ENV if its sha256 is PLAN_SHA256 (the reviewed one)
	@$(TF_ENV_CREDS) $(TF_SH) apply-plan $(ENV) '$(PLAN_SHA256)'

.PHONY: tf-output
tf-output: tf-check-env $(TF_ENV_DEPS) ## One output of ENV ($(ENV)) as JSON on stdout: NAME=gitops_bridge
	@test -n "$(NAME)" || { echo "Set NAME=<output name>, e.g. NAME=gitops_bridge." >&2; exit 1; }
	@$(TF_ENV_CREDS) $(TF_SH) output '$(ENV)' '$(NAME)'

.PHONY: tf-apply
tf-apply: tf-check-env $(TF_ENV_DEPS) ## terraform apply ENV=local|staging|prod (default $(ENV); local: starts moto)
	@$(TF_ENV_CREDS) $(TF_SH) apply $(ENV)

.PHONY: tf-destroy
tf-destroy: tf-check-env ## terraform destroy ENV=local (then stops moto); staging/prod keep prevent_destroy
	@$(TF_ENV_CREDS) $(TF_SH) destroy $(ENV)
	@$(MAKE) moto-stop

.PHONY: tf-bootstrap
tf-bootstrap: tf-check-env ## Create the S3 state bucket of ENV and move its own state into it (local: on moto)
	@if [ "$(ENV)" = local ]; then $(MAKE) moto-start; fi
	@$(TF_ENV_CREDS) $(TF_SH) bootstrap $(ENV)

.PHONY: moto-start
moto-start: venv ## Start the moto AWS emulator on 127.0.0.1:$(MOTO_PORT) (idempotent)
	@PYTHON=$(PY) $(PYTHON) -m scripts.emulator start $(MOTO_PORT) $(MOTO_DIR) $(MOTO_STALE)

.PHONY: moto-stop
moto-stop: ## Stop the moto server started by moto-start (the emulated stack is gone with it)
	@$(PYTHON) -m scripts.emulator stop $(MOTO_DIR) $(MOTO_STALE)

.PHONY: checkov-tf
checkov-tf: checkov-install ## checkov over terraform/ (0 failed checks; skips are justified inline)
	$(CHECKOV) --directory $(TF_DIR) --framework terraform --skip-download --compact --quiet
