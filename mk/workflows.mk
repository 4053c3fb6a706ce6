##@ .github/: workflow checks, supply chain and the glue the workflows call
# GitHub Actions: checks of .github/workflows, and the small glue targets the workflows call
# (see .github/README.md for the map). Every workflow step is a make target from this repo.
# Overridable so the tests can point the same targets at broken fixtures.
WF_DIR ?= .github/workflows
WORKFLOWS ?= $(wildcard $(WF_DIR)/*.yml)
# Where the workflows post; GitHub sets GITHUB_REPOSITORY, a laptop gets config/platform.yaml's.
GITHUB_REPOSITORY ?= $(shell sed -n 's/^github_repository: *//p' config/platform.yaml)
export GITHUB_REPOSITORY
PR_COMMENT := .github/scripts/pr-comment.sh

# ---- checks (run by make test through tests/workflows/) --------------------------------

.PHONY: wf-tools
wf-tools: venv ## Install what the workflow checks need (shellcheck from Debian)
	$(call apt_require,shellcheck)

TEST_TOOLS += wf-tools
TEST_FAST_TOOLS += wf-tools

.PHONY: wf-actionlint
wf-actionlint: wf-tools ## actionlint (with shellcheck) on .github/workflows
	$(BIN)/actionlint -shellcheck "$$(command -v shellcheck)" -pyflakes= $(WORKFLOWS)

.PHONY: wf-shellcheck
wf-shellcheck: wf-tools ## shellcheck the workflows' scripts (.github/scripts/*.sh)
	shellcheck .github/scripts/*.sh

.PHONY: wf-schema
wf-schema: venv ## Validate the workflows against GitHub's workflow JSON schema
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml

.PHONY: wf-checkov
# checkov only recognises workflows under a .github/workflows directory (not with -f).
# CKV_GHA_7 (SLSA: no workflow_dispatch inputs) is skipped on purpose: only promote.yml takes
# inputs (a digest staging ran, an override reason), it builds nothing, and both inputs pass
# through `env` into `make promote`, which refuses a digest staging never ran.
wf-checkov: checkov-install ## checkov github_actions on .github/workflows (0 failed)
	$(CHECKOV) --quiet --compact --skip-download --framework github_actions -d $(WF_DIR) \
		--skip-check CKV_GHA_7

.PHONY: wf-policy
wf-policy: venv ## The project's workflow policy (SHA pins, permissions, timeouts, ...)
	$(BIN)/pytest -q tests/workflows/test_wf_policy.py

# Runs on this host (no container), with checkout served from the working tree, no network.
ACT_WORKFLOW ?= .github/workflows/ci.yml
ACT_JOB ?= wiring
ACT_EVENT ?=

.PHONY: wf-act
wf-act: venv ## Run the ci workflow's `wiring` job on this host with act (offline)
	@$(SCRIPTS)/wf-act.sh $(BIN)/act $(ACT_WORKFLOW) $(ACT_JOB) $(ACT_EVENT)

.PHONY: wf-lint
wf-lint: wf-actionlint wf-shellcheck wf-schema wf-checkov wf-policy ## All workflow checks

# ---- glue called by the workflows ------------------------------------------------------

.PHONY: wf-targets
wf-targets: ## Fail if a workflow calls a make target that does not exist
	@MAKE=$(MAKE) $(PYTHON) -m scripts.wf_targets $(WORKFLOWS)

# What `make push` and `make sbom` wrote (IMAGE_OUT: mk/common.mk).
PUSHED_REF_FILE = $(IMAGE_OUT)/image-ref.txt
SBOM_FILE = $(IMAGE_OUT)/release/sbom.cdx.json

.PHONY: wf-image-output
wf-image-output: ## Hand the pushed REGISTRY/REPO@sha256:… to later jobs (GITHUB_OUTPUT; stdout here)
	@test -s $(PUSHED_REF_FILE) || { echo "No $(PUSHED_REF_FILE): run make push first." >&2; exit 1; }
	@echo "image=$$(cat $(PUSHED_REF_FILE))" >>"$${GITHUB_OUTPUT:-/dev/stdout}"

.PHONY: wf-attest-sbom
wf-attest-sbom: ## Attach the SBOM to the pushed image as a keyless cosign attestation (GitHub)
	@command -v cosign >/dev/null || { echo "cosign not found: on GitHub sigstore/cosign-installer provides it; here the SBOM stays in $(SBOM_FILE)." >&2; exit 1; }
	@test -s $(SBOM_FILE) || { echo "No $(SBOM_FILE): run make sbom first." >&2; exit 1; }
	cosign attest --yes --type cyclonedx --predicate $(SBOM_FILE) "$$(cat $(PUSHED_REF_FILE))"

.PHONY: wf-model-report
wf-model-report: ## Compose build/model-report.md (+ the PR title): this run's verdict, checks, report
	@$(PYTHON) .github/scripts/model_report.py build/candidate/gate.json reports build/model-report.md \
		--image-base "$$(cat build/report-image-base.txt 2>/dev/null || true)" \
		--title-out build/model-pr-title.txt --prune-reports $(if $(MODEL_REPORT_NOTE),--note '$(MODEL_REPORT_NOTE)')

.PHONY: wf-summary
wf-summary: wf-model-report ## Append the model report to the run summary (stdout off GitHub)
	@cat build/model-report.md >>"$${GITHUB_STEP_SUMMARY:-/dev/stdout}"

.PHONY: wf-comment
wf-comment: wf-model-report ## Post (or update) the model report as a PR comment: PR=<number>
	$(PR_COMMENT) "$(PR)" "<!-- bikeshare:model-report -->" build/model-report.md

.PHONY: wf-plan
wf-plan: ## make tf-plan ENV=<env>, output kept in build/plan-<env>.md for the PR comment
	@MAKE=$(MAKE) $(PYTHON) -m scripts.wf_plan '$(ENV)'

.PHONY: wf-plan-comment
wf-plan-comment: ## Post (or update) the plans in build/plan-*.md as one PR comment: PR=<number>
	@cat build/plan-*.md >build/plan-comment.md
	$(PR_COMMENT) "$(PR)" "<!-- bikeshare:terraform-plan -->" build/plan-comment.md

.PHONY: wf-open-pr
wf-open-pr: ## Push local work as a PR to main: BRANCH= [PATHS= TITLE= BODY=] (needs gh)
	BRANCH="$(BRANCH)" PATHS="$(PATHS)" TITLE="$(TITLE)" BODY="$(BODY)" .github/scripts/open-pr.sh

# What a model PR commits: the record, the golden answers, reports/ (new report, stale
# removed), and data/ when the run brought a new month.
MODEL_PR_PATHS := config/champion.json config/golden.json reports data

.PHONY: wf-model-pr
# Uses the body and title `make wf-model-report` (or wf-summary) wrote, notes added since kept.
wf-model-pr: ## Open the model PR "model <version>" from this run's body: BRANCH=
	@test -s build/model-pr-title.txt -a -s build/model-report.md || { echo "No build/model-pr-title.txt or build/model-report.md: run make wf-model-report first." >&2; exit 1; }
	BRANCH="$(BRANCH)" PATHS="$(MODEL_PR_PATHS)" TITLE="$$(cat build/model-pr-title.txt)" \
		BODY=build/model-report.md .github/scripts/open-pr.sh

.PHONY: wf-automerge
wf-automerge: ## Let GitHub merge the PR of BRANCH= once its required checks pass (a merge commit: .github/rules)
	@test -n "$(BRANCH)" || { echo "Set BRANCH=<pr branch>." >&2; exit 1; }
	gh pr merge "$(BRANCH)" --repo "$(GITHUB_REPOSITORY)" --auto --merge

# What a PR must change for its preview to run (a path filter inside the job, so the check
# can be required: a skipped job counts as passed).
PREVIEW_PATHS := model bento image argocd config/champion.json pyproject.toml

.PHONY: wf-preview-needed
wf-preview-needed: ## runs=true|false (GITHUB_OUTPUT) when HEAD changes what runs since BASE=<sha>
	@test -n "$(BASE)" || { echo "Set BASE=<base commit>." >&2; exit 1; }
	@if git diff --quiet '$(BASE)' HEAD -- $(PREVIEW_PATHS); then runs=false; else runs=true; fi; \
	  echo "runs=$$runs" >>"$${GITHUB_OUTPUT:-/dev/stdout}"

.PHONY: wf-preview-comment
wf-preview-comment: ## Post (or update) build/preview/comment.md as the PR's preview comment: PR=<number>
	$(PR_COMMENT) "$(PR)" "<!-- bikeshare:preview -->" build/preview/comment.md

.PHONY: wf-plan-save
wf-plan-save: ## make tf-plan-save ENV=<env>; its sha256 to GITHUB_OUTPUT, the plan to the run's summary
	@$(MAKE) tf-plan-save ENV='$(ENV)'
	@echo "sha256=$$(cat build/terraform/plan-$(ENV).tfplan.sha256)" >>"$${GITHUB_OUTPUT:-/dev/stdout}"
	@{ echo "### Saved plan $(ENV) (sha256 $$(cat build/terraform/plan-$(ENV).tfplan.sha256))"; \
	  echo '```'; cat build/terraform/plan-$(ENV).txt; echo '```'; } >>"$${GITHUB_STEP_SUMMARY:-/dev/stdout}"

# Repository hygiene: workflow security audit (zizmor) and pre-commit (see CONTRIBUTING.md).

# Offline: zizmor's online audits (known-vulnerable actions, impostor commits) need GitHub.
.PHONY: zizmor
zizmor: venv ## zizmor (offline, default persona) on .github/workflows and dependabot.yml: 0 findings
	$(BIN)/zizmor --offline --no-progress .github/workflows/ .github/dependabot.yml

.PHONY: pre-commit-install
pre-commit-install: venv ## Run `make lint`'s checks on every git commit (pre-commit hooks)
	$(BIN)/pre-commit install

# What `make push` recorded, split for actions/attest-build-provenance (release workflow).
PROVENANCE_REF_FILE = $(or $(IMAGE_OUT),build)/image-ref.txt

.PHONY: wf-provenance-subject
wf-provenance-subject: ## Hand name= and digest= of the pushed image to the provenance step (GITHUB_OUTPUT)
	@test -s $(PROVENANCE_REF_FILE) || { echo "No $(PROVENANCE_REF_FILE): run make push first." >&2; exit 1; }
	@ref=$$(cat $(PROVENANCE_REF_FILE)); \
	case $$ref in *@sha256:*) ;; *) echo "$(PROVENANCE_REF_FILE) holds '$$ref', not NAME@sha256:…" >&2; exit 1;; esac; \
	printf 'name=%s\ndigest=%s\n' "$${ref%@*}" "$${ref#*@}" >>"$${GITHUB_OUTPUT:-/dev/stdout}"

# Report plots where reviewers read them: uploaded to the report-assets branch, linked by
# commit (the PR body and the sticky comment cannot show relative images).
REPORT_IMAGE_BASE_FILE := build/report-image-base.txt

.PHONY: wf-report-images
wf-report-images: ## Upload this run's report plots (branch report-assets); their URL in build/report-image-base.txt
	@rm -f $(REPORT_IMAGE_BASE_FILE)
	@if [ ! -s build/candidate/gate.json ]; then echo "No build/candidate/gate.json: no plots to upload."; exit 0; fi; \
	version=$$($(PYTHON) -c 'import json; print(json.load(open("build/candidate/gate.json"))["candidate"]["version"])'); \
	if ! compgen -G "reports/$$version/*.png" >/dev/null; then echo "No plots in reports/$$version: nothing to upload."; exit 0; fi; \
	.github/scripts/publish-report-images.sh "reports/$$version" "$${GITHUB_RUN_ID:-local}/$$version" >$(REPORT_IMAGE_BASE_FILE).tmp; \
	mv $(REPORT_IMAGE_BASE_FILE).tmp $(REPORT_IMAGE_BASE_FILE); \
	echo "report plots: $$(cat $(REPORT_IMAGE_BASE_FILE))"
