##@ kubeplay/: the overlays played here (podman kube play), verified, scored
# Run what git pins (see argocd/README.md "Run it here"): play an environment's overlay with
# podman kube play, verify it with its verification Job, play the scoring CronJob's pod.
# The image targets (mk/image.mk) provide the loopback registry and the signature policy.
UP_PORT_staging ?= 3101
UP_PORT_prod ?= 3102
UP_PORT ?= $(UP_PORT_$(ENV))
UP_TIMEOUT ?= 240
UP_ARGS = --env '$(ENV)' --registry $(LOCAL_REGISTRY) --port '$(UP_PORT)' \
	--policy $(IMAGE_SCRATCH)/policy.json --registries-d $(IMAGE_SCRATCH)/registries.d \
	--timeout $(UP_TIMEOUT)

.PHONY: release
release: venv ## Build, push and sign the current bento's image, pin it in ENV=staging (commit)
	@$(MAKE) image push sign
	@$(MAKE) set-image ENV='$(ENV)' IMAGE="$$(cat $(IMAGE_OUT)/image-ref.txt)"

.PHONY: up
up: venv image-tools ## Play ENV=staging|prod as git pins it (podman kube play); prints the URL
	@if ! $(GITOPS) released --env '$(ENV)'; then \
	  if [ '$(ENV)' != staging ]; then exit 1; fi; \
	  echo "Releasing the current champion to staging first, as the release workflow does (make release)."; \
	  $(MAKE) release ENV=staging; fi
	@$(MAKE) registry-start >/dev/null
	@$(KUBEPLAY) up $(UP_ARGS)

.PHONY: down
down: venv ## Remove the pod that make up played for ENV
	@$(KUBEPLAY) down $(UP_ARGS)

.PHONY: verify
# The evidence goes to EVIDENCE_STORE (mk/gitops.mk): the pod writes an s3:// store itself with
# the caller's credentials (assume the Job's role first); a directory is the store's local form.
verify: venv ## Run ENV's verification Job pod against the played pod; it records evidence in EVIDENCE_STORE
	@$(KUBEPLAY) verify $(UP_ARGS) --evidence-store '$(EVIDENCE_STORE)' $(if $(EVIDENCE_ENDPOINT),--endpoint-url '$(EVIDENCE_ENDPOINT)' --ca-bundle '$(EVIDENCE_CA_BUNDLE)')

.PHONY: golden
golden: register ## Write config/golden.json: a few rows and the champion's exact answers
	@$(GITOPS) golden --data $(DATA)

.PHONY: score-pod
score-pod: venv image-tools moto-start ## Play the scoring CronJob's pod once on the local stack (moto): ENV=staging PERIOD=2011-12
	@$(MAKE) registry-start >/dev/null
	@$(MOTO_CREDS) bucket=$$(MAKE=$(MAKE) PYTHON=$(PY) MOTO_ENDPOINT=$(MOTO_ENDPOINT) MOTO_DIR=$(MOTO_DIR) \
	    $(PYTHON) -m scripts.stage '$(or $(PERIOD),2011-12)') && \
	  $(KUBEPLAY) score-pod $(UP_ARGS) --period '$(or $(PERIOD),2011-12)' --bucket "$$bucket" \
	    --endpoint-url $(MOTO_ENDPOINT) --ca-bundle $(MOTO_DIR)/cert.pem

# A pull request's preview (.github/workflows/preview.yml runs the same target).
PREVIEW_PORT ?= 3103
PREVIEW_BASE ?= origin/main
PREVIEW_OUT ?= build/preview
# Seconds for the played pod to get ready: a few on a quiet machine, 274 s seen on this
# shared 2-core machine under load 17.
PREVIEW_TIMEOUT ?= 420

.PHONY: preview
preview: venv image-tools ## HEAD's image played as staging, verified, fed bad input; rendered diffs vs PREVIEW_BASE → build/preview/comment.md; torn down after
	@$(MAKE) image push sign
	@$(MAKE) registry-start >/dev/null
	@status=0; $(KUBEPLAY) preview --env staging --image "$$(cat $(IMAGE_OUT)/image-ref.txt)" \
	  --base '$(PREVIEW_BASE)' --port '$(PREVIEW_PORT)' --registry $(LOCAL_REGISTRY) \
	  --policy $(IMAGE_SCRATCH)/policy.json --registries-d $(IMAGE_SCRATCH)/registries.d \
	  --out $(PREVIEW_OUT) --timeout $(PREVIEW_TIMEOUT) || status=$$?; \
	  $(MAKE) -s registry-stop; exit $$status
