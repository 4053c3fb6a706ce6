# Repository hygiene: workflow security audit (zizmor) and pre-commit (see CONTRIBUTING.md).

# Offline: zizmor's online audits (known-vulnerable actions, impostor commits) need GitHub.
.PHONY: zizmor
zizmor: venv ## zizmor (offline, default persona) on .github/workflows and dependabot.yml: 0 findings
	$(BIN)/zizmor --offline --no-progress .github/workflows/ .github/dependabot.yml

.PHONY: pre-commit-install
pre-commit-install: venv ## Run `make lint`'s checks on every git commit (pre-commit hooks)
	$(BIN)/pre-commit install
