##@ image/: the service image (build, run, push, sign, SBOM, SageMaker mode)
# Service image: build on a Debian base, run as the cluster does, push, sign, SBOM.
# See image/README.md. Scratch state (registry storage, keys, signatures) lives in .containers/;
# the base image's build cache and uv's downloads in $(CACHE_DIR), shared by every checkout.

# The project's containers.conf (runc, no default rlimits); nothing under /etc changes.
export CONTAINERS_CONF := $(CURDIR)/image/containers.conf
BASE_IMAGE_NAME := localhost/bikeshare-base:bookworm
BASE_RECORD ?= build/base-image.env
# The bento to containerize and where the built image is recorded (tests use their own).
BENTO_TAG_FILE ?= build/bento-tag.txt
IMAGE_REPO := bikeshare
# 660 MB before the explain endpoint; SHAP brings numba + llvmlite (~214 MB installed).
IMAGE_MAX_MB ?= 700
# The loopback registry stands in for ECR; the release workflow passes REGISTRY=<ECR> TAG=<sha>
# (default tag: the bento's version). IMAGE_OUT, REGISTRY_PORT, IMAGE_RUN_PORT: mk/common.mk.
REGISTRY_DIR ?= $(IMAGE_SCRATCH)/registry
REGISTRY ?= $(LOCAL_REGISTRY)
SIGNER ?= gpg
IMAGE_RUN_NAME ?= bikeshare-image
IMAGE_TOOLS := podman buildah runc debootstrap debian-archive-keyring skopeo docker-registry \
	gnupg curl

.PHONY: image-tools
image-tools: ## Install the container tools (podman, buildah, runc, debootstrap, skopeo, registry, gnupg)
	$(call apt_require,$(IMAGE_TOOLS))

TEST_TOOLS += image-tools

.PHONY: image-lock
image-lock: venv ## Re-lock bento/requirements.txt (every runtime package pinned, as in .venv)
	$(SCRIPTS)/image-lock.sh $(BIN) $(CONTAINERS_DIR)

.PHONY: base-image
base-image: image-tools ## Build (or reuse) the Debian base image; ID and digest in build/base-image.env
	@$(PYTHON) -m scripts.base_image $(BASE_IMAGE_NAME) $(CACHE_DIR)/base-image $(BASE_RECORD)

.PHONY: image
image: venv base-image ## Containerize the current bento on the recorded base; prints size and ID
	@test -s $(BENTO_TAG_FILE) && $(BIN)/bentoml get "$$(cat $(BENTO_TAG_FILE))" >/dev/null 2>&1 \
		|| $(MAKE) bento
	@BENTOML=$(BIN)/bentoml UV=$(BIN)/uv IMAGE_MAX_MB=$(IMAGE_MAX_MB) \
		BUILD_TOOLS_DIR=$(CACHE_DIR)/build-tools \
		$(PYTHON) -m scripts.image_build "$$(cat $(BENTO_TAG_FILE))" $(BASE_RECORD) $(IMAGE_RECORD)

.PHONY: registry-start
registry-start: image-tools ## Start the loopback OCI registry on 127.0.0.1:$(REGISTRY_PORT)
	@$(PYTHON) -m scripts.registry start $(REGISTRY_PORT) $(REGISTRY_DIR)

.PHONY: registry-stop
registry-stop: ## Stop the loopback OCI registry
	@$(PYTHON) -m scripts.registry stop $(REGISTRY_DIR)

.PHONY: push
push: ## Push the built image; record and check its digest (build/image-digest.txt, image-ref.txt)
	@test -s $(IMAGE_RECORD) || $(MAKE) image
	@if [ "$(REGISTRY)" = "$(LOCAL_REGISTRY)" ]; then $(MAKE) registry-start; fi
	@. $(abspath $(IMAGE_RECORD)) && $(PYTHON) -m scripts.push "$$IMAGE_NAME" $(REGISTRY) $(IMAGE_REPO) \
		"$(if $(TAG),$(TAG),$${IMAGE_NAME##*:})" $(IMAGE_OUT) && \
		echo "  image size: $$((IMAGE_SIZE_BYTES / 1000000)) MB uncompressed ($$IMAGE_NAME)"

.PHONY: sign
sign: ## Sign the pushed image by digest (SIGNER=gpg here: throwaway key + policy; cosign in CI)
	@test -s $(IMAGE_OUT)/image-ref.txt || { echo "Nothing pushed yet: run make push." >&2; exit 1; }
	@$(PYTHON) -m scripts.sign $(SIGNER) "$$(cat $(IMAGE_OUT)/image-ref.txt)" $(IMAGE_SCRATCH) $(IMAGE_OUT)

.PHONY: sbom
sbom: venv ## CycloneDX SBOM of the image (Debian + Python packages, model card): build/release/sbom.cdx.json
	@test -s $(IMAGE_RECORD) || { echo "No image built yet: run make image." >&2; exit 1; }
	@. $(abspath $(IMAGE_RECORD)) && PYTHON=$(PY) SYFT=$(BIN)/syft $(PYTHON) -m scripts.sbom_scan "$$IMAGE_ID" \
		$(IMAGE_OUT)/release/sbom.cdx.json

.PHONY: image-run
image-run: ## Pull the pushed image by digest (signature checked) and run it as the cluster does
	@test -s $(IMAGE_OUT)/image-ref.txt || { echo "Nothing pushed yet: run make push sign." >&2; exit 1; }
	@test -s $(IMAGE_SCRATCH)/policy.json || { echo "No signature policy: run make sign." >&2; exit 1; }
	@if [ "$(REGISTRY)" = "$(LOCAL_REGISTRY)" ]; then $(MAKE) registry-start; fi
	@bash image/pull.sh "$$(cat $(IMAGE_OUT)/image-ref.txt)" $(IMAGE_SCRATCH)/policy.json \
		$(IMAGE_SCRATCH)/registries.d
	@$(PY) -m image.run start "$$(cat $(IMAGE_OUT)/image-ref.txt)" --name $(IMAGE_RUN_NAME) \
		--port $(IMAGE_RUN_PORT)

.PHONY: image-stop
image-stop: ## Stop the container started by image-run
	@$(PY) -m image.run stop --name $(IMAGE_RUN_NAME)

# SageMaker mode of the service image (bento/sagemaker.py, bento/entrypoint.sh): the same
# image, started with `serve`, answers GET /ping and POST /invocations on port 8080 inside.
# Its tests are in tests/service/test_sagemaker.py and tests/image/test_image_sagemaker.py.
SAGEMAKER_RUN_NAME ?= bikeshare-sagemaker
# Host port (8080 is the port inside the container; the host's 8080 is often taken).
SAGEMAKER_RUN_PORT ?= 38080
SAGEMAKER_BENCH_REQUESTS ?= 2000
SAGEMAKER_BENCH_ROUNDS ?= 3

.PHONY: sagemaker-run
sagemaker-run: image ## Run the built image as SageMaker starts it (serve, 8080 inside) on 127.0.0.1:$(SAGEMAKER_RUN_PORT)
	@. $(abspath $(IMAGE_RECORD)) && $(PY) -m image.run start "$$IMAGE_NAME" --mode sagemaker \
		--name $(SAGEMAKER_RUN_NAME) --port $(SAGEMAKER_RUN_PORT)

.PHONY: sagemaker-stop
sagemaker-stop: ## Stop the container started by sagemaker-run
	@$(PY) -m image.run stop --name $(SAGEMAKER_RUN_NAME)

.PHONY: sagemaker-bench
sagemaker-bench: image bench-tools ## Single-row latency of both container modes in one run (hey); writes bench/results/container_modes.*
	$(PY) -m bench.container_modes --record $(IMAGE_RECORD) \
		--requests $(SAGEMAKER_BENCH_REQUESTS) --rounds $(SAGEMAKER_BENCH_ROUNDS)

# The auto-rollback receiver's image (autorollback/, docs/operating.md): on the same base.
AUTOROLLBACK_IMAGE ?= localhost/bikeshare-autorollback:dev

.PHONY: autorollback-image
autorollback-image: base-image ## Build the auto-rollback receiver's image (autorollback/Containerfile) as AUTOROLLBACK_IMAGE
	podman build --quiet --build-arg BASE=$(BASE_IMAGE_NAME) -f autorollback/Containerfile -t $(AUTOROLLBACK_IMAGE) .
