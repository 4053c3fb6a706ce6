##@ platform_setup/: account values, cluster registrations, Argo CD
# Day one on a real account (argocd/README.md "Day one"): account values from one file, the
# Terraform → Argo CD hand-over (gitops-bridge), and the pinned Argo CD install.
PLATFORM = $(PY) -m platform_setup
# Argo CD, installed once per cluster from the upstream release manifest, pinned by version
# AND sha256 (of the file at raw.githubusercontent.com/argoproj/argo-cd/<tag>/manifests/
# install.yaml, i.e. of the tag's git blob). Bump both together.
ARGOCD_VERSION := v3.5.1
ARGOCD_INSTALL_SHA256 := 795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3
ARGOCD_INSTALL_URL ?= https://raw.githubusercontent.com/argoproj/argo-cd/$(ARGOCD_VERSION)/manifests/install.yaml
ARGOCD_INSTALL_FILE ?= build/argocd/install-$(ARGOCD_VERSION).yaml

.PHONY: configure
configure: venv ## Write config/platform.yaml's account values everywhere they are needed
	$(PLATFORM) configure
	@# The first environment's hydrated manifests carry these values too (later ones: by promotion).
	$(GITOPS) hydrate

.PHONY: configure-check
configure-check: venv ## Fail if a file differs from what `make configure` would write
	$(PLATFORM) configure --check

.PHONY: cluster-register
cluster-register: venv ## Terraform's gitops_bridge output → argocd/clusters/ENV.yaml: ENV= [BRIDGE_JSON=file]
	@test -n "$(ENV)" || { echo "Set ENV=<environment>." >&2; exit 1; }
	@if [ -n "$(BRIDGE_JSON)" ]; then $(PLATFORM) register --env '$(ENV)' --from '$(BRIDGE_JSON)'; \
	else $(MAKE) -s tf-output ENV='$(ENV)' NAME=gitops_bridge | $(PLATFORM) register --env '$(ENV)'; fi

.PHONY: platform-render
platform-render: venv ## Every Application the ApplicationSets make for argocd/clusters → build/manifests/
	$(PLATFORM) expand --out build/manifests/applications.yaml

.PHONY: argocd-install-manifest
argocd-install-manifest: ## Download the pinned Argo CD install manifest and verify its sha256
	@mkdir -p $(dir $(ARGOCD_INSTALL_FILE))
	@test -s $(ARGOCD_INSTALL_FILE) || curl -fsSL --retry 3 -o $(ARGOCD_INSTALL_FILE).tmp '$(ARGOCD_INSTALL_URL)'
	@test -s $(ARGOCD_INSTALL_FILE) || mv $(ARGOCD_INSTALL_FILE).tmp $(ARGOCD_INSTALL_FILE)
	@echo "$(ARGOCD_INSTALL_SHA256)  $(ARGOCD_INSTALL_FILE)" | sha256sum -c --status || { \
	  rm -f $(ARGOCD_INSTALL_FILE); \
	  echo "$(ARGOCD_INSTALL_URL) does not have the pinned sha256: refusing to apply it." >&2; exit 1; }
	@echo "Argo CD $(ARGOCD_VERSION) install manifest verified: $(ARGOCD_INSTALL_FILE)"

# The repository's credentials come before anything that reads the repository: the External
# Secrets Operator from its public chart (its ApplicationSet and project, applied from this
# checkout), then its ClusterSecretStore and the ExternalSecret that makes Argo CD's repository
# Secret from AWS Secrets Manager (bikeshare/ENV/argocd-repo-creds, filled in on day one:
# docs/day-one.md), then the root. No Secret is made by hand.
ESO_CRDS := crd/clustersecretstores.external-secrets.io crd/externalsecrets.external-secrets.io

.PHONY: argocd-bootstrap
argocd-bootstrap: argocd-install-manifest venv ## Install Argo CD in ENV's cluster, register it, its repository credentials (ESO), the root app (kubectl context of bikeshare-ENV)
	@test -s argocd/clusters/$(ENV).yaml || { echo "No argocd/clusters/$(ENV).yaml: run make cluster-register ENV=$(ENV) after terraform apply." >&2; exit 1; }
	@ctx=$$(kubectl config current-context 2>/dev/null || true); case "$$ctx" in *bikeshare-$(ENV)) ;; \
	  *) echo "kubectl's context is '$$ctx', not bikeshare-$(ENV): run aws eks update-kubeconfig --name bikeshare-$(ENV)." >&2; exit 1;; esac
	@$(PLATFORM) render --app argocd-credentials-$(ENV) >/dev/null
	kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f -
	kubectl apply -n argocd --server-side --force-conflicts -f $(ARGOCD_INSTALL_FILE)
	kubectl wait --for condition=established --timeout=120s \
	  crd/applications.argoproj.io crd/applicationsets.argoproj.io crd/appprojects.argoproj.io
	kubectl apply -f argocd/clusters/$(ENV).yaml
	kubectl apply -f argocd/addons/project.yaml -f argocd/addons/external-secrets.yaml
	kubectl wait --for=create --timeout=600s $(ESO_CRDS)
	kubectl wait --for condition=established --timeout=120s $(ESO_CRDS)
	kubectl wait -n external-secrets --for=create --timeout=300s deployment/external-secrets-webhook
	kubectl wait -n external-secrets --for condition=Available --timeout=300s deployment/external-secrets-webhook
	kubectl apply -k argocd/addons/external-secrets
	$(PLATFORM) render --app argocd-credentials-$(ENV) | kubectl apply -f -
	kubectl wait -n argocd --for condition=Ready --timeout=300s externalsecret/gitops-repository || { \
	  echo "Argo CD's repository credentials are not ready: is bikeshare/$(ENV)/argocd-repo-creds filled in (make doctor, docs/day-one.md)?" >&2; exit 1; }
	kubectl apply -k argocd/bootstrap

.PHONY: github-variables
github-variables: venv ## Set the workflows' GitHub variables from .github/variables.json (needs gh, admin)
	$(PLATFORM) github-variables

# ---- glue called by the workflows (bot PRs) ------------------------------------------

.PHONY: wf-bot-token
wf-bot-token: ## Say in the run summary which token opens the bot PR: APP_TOKEN_USED=true|false
	@if [ "$(APP_TOKEN_USED)" = true ]; then \
	  echo "Bot PR opened with the GitHub App's installation token: its checks run." >>"$${GITHUB_STEP_SUMMARY:-/dev/stdout}"; \
	else \
	  echo "::warning::No GitHub App configured (vars.BOT_APP_CLIENT_ID, secrets.BOT_APP_PRIVATE_KEY): falling back to GITHUB_TOKEN."; \
	  echo "**No GitHub App configured**: this PR is opened with GITHUB_TOKEN, so its required checks will not start and auto-merge will wait. Set vars.BOT_APP_CLIENT_ID and secrets.BOT_APP_PRIVATE_KEY (.github/README.md)." >>"$${GITHUB_STEP_SUMMARY:-/dev/stdout}"; \
	fi

.PHONY: github-rules
github-rules: venv ## Apply .github/rules (merge methods, main's ruleset, environments) with gh api [DRY_RUN=1 prints the requests]
	$(PLATFORM) github-rules $(if $(filter 1 yes true,$(DRY_RUN)),--dry-run)
