##@ argocd/: the overlays played here (podman kube play), verified, scored
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
	@$(GITOPS) up $(UP_ARGS)

.PHONY: down
down: venv ## Remove the pod that make up played for ENV
	@$(GITOPS) down $(UP_ARGS)

.PHONY: verify
verify: venv ## Run ENV's verification Job pod against the played pod; commit the evidence [COMMIT=0]
	@$(GITOPS) verify $(UP_ARGS) $(if $(filter 0 no false,$(COMMIT)),--no-commit)

.PHONY: golden
golden: register ## Write config/golden.json: a few rows and the champion's exact answers
	@$(GITOPS) golden --data $(DATA)

.PHONY: score-pod
score-pod: venv image-tools moto-start ## Play the scoring CronJob's pod once on the local stack (moto): ENV=staging PERIOD=2011-12
	@$(MAKE) registry-start >/dev/null
	@$(MOTO_CREDS) bucket=$$(MAKE=$(MAKE) PYTHON=$(PY) MOTO_ENDPOINT=$(MOTO_ENDPOINT) MOTO_DIR=$(MOTO_DIR) \
	    $(PYTHON) -m scripts.stage '$(or $(PERIOD),2011-12)') && \
	  $(GITOPS) score-pod $(UP_ARGS) --period '$(or $(PERIOD),2011-12)' --bucket "$$bucket" \
	    --endpoint-url $(MOTO_ENDPOINT) --ca-bundle $(MOTO_DIR)/cert.pem
