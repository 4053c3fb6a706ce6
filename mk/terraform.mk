# Terraform targets (see terraform/README.md).
TF ?= terraform
TF_DIR := terraform
ENV ?= local
# An environment is a folder envs/<env>/ with a terraform.tfvars: local is its own root (moto),
# every other one is applied with the shared root account/ (one AWS account each).
TF_ENVS := local $(filter-out local,$(notdir $(patsubst %/,%,$(dir $(wildcard $(TF_DIR)/envs/*/terraform.tfvars)))))
TF_ROOTS := $(wildcard $(TF_DIR)/modules/*) $(TF_DIR)/envs/local $(TF_DIR)/account $(TF_DIR)/bootstrap
TF_BUILD := $(CURDIR)/build/terraform

# Moto (AWS emulator) for ENV=local: one server per checkout, kept between make calls so
# that `make tf-apply ENV=local` can be followed by `make tf-plan ENV=local`.
MOTO_PORT ?= 4566
MOTO_ENDPOINT := https://127.0.0.1:$(MOTO_PORT)
MOTO_DIR := $(CURDIR)/build/moto
TF_STATE_BUCKET ?=

# Prefix for recipes that run terraform: use the provider mirror when this machine has one
# (discovered at run time), plain registry downloads otherwise.
TF_SETUP = cfg="$$($(TF_DIR)/scripts/cli-config.sh)"; if [ -n "$$cfg" ]; then export TF_CLI_CONFIG_FILE="$$cfg"; fi; \
	export TF_IN_AUTOMATION=1;
# Fake credentials (the emulator accepts any, real AWS rejects them) and the emulator's
# throw-away certificate: buckets deny requests without TLS, so moto speaks HTTPS.
MOTO_CREDS = export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
	AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=$(MOTO_DIR)/cert.pem;

ifeq ($(ENV),local)
ENV_DIR = $(TF_DIR)/envs/local
TF_ENV_INIT = $(MOTO_CREDS) $(TF) -chdir=$(ENV_DIR) init -input=false -reconfigure \
	-backend-config=path=$(TF_BUILD)/local/terraform.tfstate >/dev/null
TF_ENV_VARS = -var aws_endpoint=$(MOTO_ENDPOINT)
TF_ENV_DEPS = moto-start
else
ENV_DIR = $(TF_DIR)/account
# One .terraform per environment: the shared root is initialised with each one's state key.
TF_SETUP += export TF_DATA_DIR=$(TF_BUILD)/env-$(ENV);
TF_ENV_INIT = if [ -z "$(TF_STATE_BUCKET)" ]; then \
	  echo "Set TF_STATE_BUCKET to the state bucket made by 'make tf-bootstrap ENV=$(ENV)'." >&2; exit 1; fi; \
	$(TF) -chdir=$(ENV_DIR) init -input=false -reconfigure -backend-config=backend.hcl \
	-backend-config=key=$(ENV)/terraform.tfstate -backend-config=bucket=$(TF_STATE_BUCKET) >/dev/null
# envs/<env>/platform.auto.tfvars.json (account values, `make configure`) after terraform.tfvars.
TF_ENV_VARS = -var environment=$(ENV) -var state_bucket=$(TF_STATE_BUCKET) \
	-var-file=$(CURDIR)/$(TF_DIR)/envs/$(ENV)/terraform.tfvars \
	$(addprefix -var-file=,$(wildcard $(CURDIR)/$(TF_DIR)/envs/$(ENV)/platform.auto.tfvars.json))
TF_ENV_DEPS =
endif

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
	$(PY) $(TF_DIR)/scripts/module_docs.py $(wildcard $(TF_DIR)/modules/*)

.PHONY: tf-validate
tf-validate: ## terraform validate every module and root (no backend, no credentials)
	@$(TF_SETUP) for d in $(TF_ROOTS); do \
	  export TF_DATA_DIR=$(TF_BUILD)/validate/$$(basename $$d); \
	  $(TF) -chdir=$$d init -input=false -backend=false >/dev/null && \
	  $(TF) -chdir=$$d validate -no-color >/dev/null && echo "valid: $$d" || { echo "INVALID: $$d" >&2; \
	  $(TF) -chdir=$$d validate -no-color >&2; exit 1; }; \
	done

.PHONY: tf-test
tf-test: ## terraform test every module (mocked AWS provider, offline)
	@$(TF_SETUP) for d in $(wildcard $(TF_DIR)/modules/*); do \
	  [ -d $$d/tests ] || continue; \
	  export TF_DATA_DIR=$(TF_BUILD)/test/$$(basename $$d); \
	  $(TF) -chdir=$$d init -input=false -backend=false >/dev/null && \
	  $(TF) -chdir=$$d test -no-color || exit 1; \
	done

.PHONY: tf-plan
tf-plan: tf-check-env $(TF_ENV_DEPS) ## terraform plan ENV=local|staging|prod (local: against moto)
	@$(TF_SETUP) $(TF_ENV_INIT)
	@$(TF_SETUP) $(if $(filter local,$(ENV)),$(MOTO_CREDS)) \
	  rc=0; $(TF) -chdir=$(ENV_DIR) plan -input=false -detailed-exitcode $(TF_ENV_VARS) || rc=$$?; \
	  case $$rc in 0) echo "No changes.";; 2) echo "Changes pending (exit code 2 from -detailed-exitcode).";; *) exit $$rc;; esac

.PHONY: tf-apply
tf-apply: tf-check-env $(TF_ENV_DEPS) ## terraform apply ENV=local|staging|prod (local: starts moto)
	@$(TF_SETUP) $(TF_ENV_INIT)
	@$(TF_SETUP) $(if $(filter local,$(ENV)),$(MOTO_CREDS)) start=$$(date +%s); \
	  $(TF) -chdir=$(ENV_DIR) apply -input=false $(if $(filter local,$(ENV)),-auto-approve) $(TF_ENV_VARS); \
	  echo "apply took $$(( $$(date +%s) - start )) s"

.PHONY: tf-destroy
tf-destroy: tf-check-env ## terraform destroy ENV=local (then stops moto); staging/prod keep prevent_destroy
	@if [ "$(ENV)" != local ]; then echo "tf-destroy only runs for ENV=local; staging and prod are destroyed by a reviewed change, not a make target." >&2; exit 1; fi
	@if [ ! -f $(MOTO_DIR)/moto.pid ]; then echo "moto is not running: the local stack is already gone."; exit 0; fi; \
	$(TF_SETUP) $(TF_ENV_INIT); start=$$(date +%s); \
	$(MOTO_CREDS) $(TF) -chdir=$(ENV_DIR) destroy -input=false -auto-approve $(TF_ENV_VARS); \
	echo "destroy took $$(( $$(date +%s) - start )) s"
	@$(MAKE) moto-stop

.PHONY: tf-bootstrap
tf-bootstrap: tf-check-env ## Create the S3 state bucket of ENV and move its own state into it (local: on moto)
	@if [ "$(ENV)" = local ]; then $(MAKE) moto-start; fi
	@$(TF_SETUP) export TF_DATA_DIR=$(TF_BUILD)/bootstrap-$(ENV); \
	if [ "$(ENV)" = local ]; then $(MOTO_CREDS) \
	  $(TF_DIR)/scripts/bootstrap.sh local $${TF_STATE_BUCKET:-bikeshare-tfstate-local} $(MOTO_ENDPOINT); \
	else \
	  if [ -z "$(TF_STATE_BUCKET)" ]; then echo "Set TF_STATE_BUCKET, e.g. bikeshare-tfstate-<account id>." >&2; exit 1; fi; \
	  $(TF_DIR)/scripts/bootstrap.sh $(ENV) $(TF_STATE_BUCKET); \
	fi

.PHONY: moto-start
moto-start: venv ## Start the moto AWS emulator on 127.0.0.1:$(MOTO_PORT) (idempotent)
	@mkdir -p $(MOTO_DIR)
	@if [ -f $(MOTO_DIR)/moto.pid ] && kill -0 "$$(cat $(MOTO_DIR)/moto.pid)" 2>/dev/null; then exit 0; fi; \
	rm -rf $(TF_BUILD)/local $(TF_BUILD)/bootstrap-local; \
	$(PY) $(TF_DIR)/scripts/moto_tls.py $(MOTO_DIR) >/dev/null; \
	MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup $(PY) $(TF_DIR)/scripts/moto_server.py -H 127.0.0.1 -p $(MOTO_PORT) \
	  -s -c $(MOTO_DIR)/cert.pem -k $(MOTO_DIR)/key.pem >$(MOTO_DIR)/moto.log 2>&1 & echo $$! >$(MOTO_DIR)/moto.pid; \
	for i in $$(seq 1 150); do \
	  if $(PY) -c "import ssl, urllib.request; urllib.request.urlopen('$(MOTO_ENDPOINT)/moto-api/', timeout=1, \
	      context=ssl.create_default_context(cafile='$(MOTO_DIR)/cert.pem'))" 2>/dev/null; then \
	    echo "moto listening on $(MOTO_ENDPOINT) (state of the local stack starts empty)"; exit 0; fi; \
	  sleep 0.2; \
	done; echo "moto did not start on port $(MOTO_PORT); see $(MOTO_DIR)/moto.log" >&2; exit 1

.PHONY: moto-stop
moto-stop: ## Stop the moto server started by moto-start (the emulated stack is gone with it)
	@if [ -f $(MOTO_DIR)/moto.pid ]; then kill "$$(cat $(MOTO_DIR)/moto.pid)" 2>/dev/null || true; \
	rm -f $(MOTO_DIR)/moto.pid; rm -rf $(TF_BUILD)/local $(TF_BUILD)/bootstrap-local; echo "moto stopped"; fi

.PHONY: checkov-tf
checkov-tf: checkov-install ## checkov over terraform/ (0 failed checks; skips are justified inline)
	$(CHECKOV) --directory $(TF_DIR) --framework terraform --skip-download --compact --quiet
