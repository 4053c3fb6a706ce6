##@ Hygiene and supply chain
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
