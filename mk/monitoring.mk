##@ monitoring/: rules, alerts and the tools that test them
# Monitoring (see monitoring/README.md): Prometheus and Alertmanager from Debian for the rule
# tests, the prediction reference of the champion, and the rule file an overlay ships.
MONITORING_ENV ?= staging

.PHONY: monitoring-tools
monitoring-tools: ## Install Prometheus (with promtool) and Alertmanager from Debian (root)
	$(call apt_require,prometheus prometheus-alertmanager)

TEST_TOOLS += monitoring-tools
TEST_FAST_TOOLS += monitoring-tools

.PHONY: monitoring-reference
monitoring-reference: register ## Write the champion's prediction reference into the PrometheusRule (after a retrain)
	$(PY) -m monitoring.reference

.PHONY: monitoring-rules
monitoring-rules: venv ## Render MONITORING_ENV's rules to build/monitoring/<env>/rules.yml and check them with promtool
	$(PY) -m monitoring.rules --env $(MONITORING_ENV) --out build/monitoring/$(MONITORING_ENV)/rules.yml
	promtool check rules build/monitoring/$(MONITORING_ENV)/rules.yml

.PHONY: monitoring-test
monitoring-test: venv monitoring-tools ## promtool rule tests, the live alert test and the dashboard check
	$(BIN)/pytest tests/monitoring -q
