##@ SageMaker mode
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
