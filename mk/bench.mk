##@ bench/: benchmarks
# Serving benchmark and robustness runs (see bench/README.md). Not tests: figures, not verdicts.
FUZZ_EXAMPLES ?= 300

.PHONY: bench-tools
bench-tools: ## Install the load generator (hey, from Debian)
	$(call apt_require,hey)

.PHONY: bench
bench: venv register bench-tools ## Benchmark the service beside three baselines (strong, naive, floor) in one run (+60 s soak); writes bench/results/
	$(PY) -m bench.serving

.PHONY: bench-quick
bench-quick: venv register bench-tools ## Shorter benchmark run without the soak (for trying a lever)
	$(PY) -m bench.serving --quick

.PHONY: fuzz
fuzz: venv register ## Schema fuzzing from the service's OpenAPI document (>= 1,000 requests, 0 5xx)
	$(PY) -m bench.fuzz --examples $(FUZZ_EXAMPLES)

.PHONY: bench-lever
bench-lever: venv register bench-tools ## Probe a lever: the service and the strong baseline only, single rows, 3 times (SCENARIOS=c=8)
	for i in 1 2 3; do $(PY) -m bench.serving --quick --no-report --sides project,strong --scenarios "$(or $(SCENARIOS),1 row)" | grep -E '^\| 1 row|^\| 10k|^\| 100|Targets|met:' ; done
