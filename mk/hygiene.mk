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
