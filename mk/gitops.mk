##@ gitops/: render, pin, promote, roll back
# GitOps targets (see argocd/README.md). Each is a thin call of `python -m gitops`.
# Node modules with the Argo CD JSON schemas (tests/gitops/argo_schema), outside the tree.
export ARGO_SCHEMA_MODULES := $(CURDIR)/build/gitops-node
ARGO_SCHEMA_SRC := tests/gitops/argo_schema

.PHONY: manifests
manifests: venv ## Render every overlay and the Argo CD objects to build/manifests/
	$(GITOPS) render --out build/manifests

.PHONY: set-image
set-image: venv ## Pin an image digest in an overlay and commit: ENV=staging IMAGE=repo@sha256:… [MODEL_VERSION=] [COMMIT=0]
	$(GITOPS) set-image --env '$(ENV)' --image '$(IMAGE)' $(if $(MODEL_VERSION),--model-version '$(MODEL_VERSION)') $(if $(filter 0 no false,$(COMMIT)),--no-commit)

.PHONY: hydrate
hydrate: venv ## Render the first environment's overlay into argocd/rendered/<env>/ (what its Application syncs)
	$(GITOPS) hydrate

.PHONY: hydrate-check
hydrate-check: venv ## Fail when the first environment's hydrated manifests are stale
	$(GITOPS) hydrate --check

# The reasons travel in the environment, so any quote in them is safe.
export OVERRIDE REASON
.PHONY: promote
promote: venv ## Branch + commit copying the verified digest and manifests to TO (default prod): [FROM=] [DIGEST=] [OVERRIDE='reason']
	$(GITOPS) promote --to '$(or $(TO),prod)' $(if $(FROM),--from '$(FROM)') $(if $(DIGEST),--digest '$(DIGEST)') $(if $(OVERRIDE),--override "$$OVERRIDE")

.PHONY: rollback
# ENV's default (local, mk/common.mk) is terraform's: a rollback acts on prod unless ENV is given.
rollback: venv ## Branch + revert of the last promotion to ENV (default prod), ready for a PR [REASON="alert ..."]
	$(GITOPS) rollback --env '$(if $(filter file,$(origin ENV)),prod,$(ENV))' $(if $(REASON),--reason "$$REASON")

.PHONY: checkov-k8s
checkov-k8s: checkov-install ## checkov on argocd/ (kubernetes and kustomize frameworks)
	@command -v kubectl >/dev/null || { echo "kubectl not found: checkov's kustomize framework needs it." >&2; exit 1; }
	$(CHECKOV) -d argocd --framework kubernetes kustomize --skip-download --compact --quiet

$(ARGO_SCHEMA_MODULES)/.installed: $(ARGO_SCHEMA_SRC)/package.json $(ARGO_SCHEMA_SRC)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (>= 20) with npm." >&2; exit 1; }
	mkdir -p $(ARGO_SCHEMA_MODULES)
	cp $^ $(ARGO_SCHEMA_MODULES)/
	cd $(ARGO_SCHEMA_MODULES) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: gitops-tools
gitops-tools: $(ARGO_SCHEMA_MODULES)/.installed ## Install the Argo CD schema checker (npm, pinned by lock file)

TEST_TOOLS += gitops-tools
