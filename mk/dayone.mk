##@ dayone/: day one on a new account (rehearse on moto, doctor)
# The rehearsal of day one on moto under each role's own credentials, and the checks of the
# prerequisites a person sets up by hand (docs/day-one.md lists the same steps in order).
IAM_SIMULATE_SRC := scripts/iam-simulate
export IAM_SIMULATE_DIR := $(CURDIR)/build/iam-simulate

$(IAM_SIMULATE_DIR)/.installed: $(IAM_SIMULATE_SRC)/package.json $(IAM_SIMULATE_SRC)/package-lock.json $(IAM_SIMULATE_SRC)/simulate.mjs
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (>= 20) with npm." >&2; exit 1; }
	mkdir -p $(IAM_SIMULATE_DIR)
	cp $^ $(IAM_SIMULATE_DIR)/
	cd $(IAM_SIMULATE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: dayone-tools
dayone-tools: venv $(IAM_SIMULATE_DIR)/.installed ## Install the IAM policy simulator (npm, pinned by lock file)

TEST_TOOLS += dayone-tools

.PHONY: rehearse
rehearse: dayone-tools ## Day one on moto with IAM enforced, each step as the role that does it on AWS
	@$(PY) -m dayone rehearse

.PHONY: mlflow-register-first
mlflow-register-first: venv ## New account: the champion rebuilt from git, sha256 checked, becomes version 1 in MLFLOW_TRACKING_URI
	@test -n "$$MLFLOW_TRACKING_URI" || { echo "Set MLFLOW_TRACKING_URI to the new account's MLflow server (config/platform.yaml: mlflow_tracking_uri)." >&2; exit 1; }
	@$(PY) -m dayone mlflow-register-first

.PHONY: doctor
doctor: venv ## Check day one's hand-made prerequisites (GH_TOKEN, AWS profiles bikeshare-<env>); one sentence per missing item
	@$(PY) -m dayone doctor
