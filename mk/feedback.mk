##@ intake/: new data, drift and bad deploys into PRs (and autorollback/)
# What watches the service turned into PRs (docs/operating.md): the landing prefix into data
# PRs (intake/), a drift dispatch into the retrain's new month, an alert after a promotion
# into a rollback PR (autorollback/).
INTAKE_BUCKET ?= $(BIKESHARE_ARTIFACTS_BUCKET)
EVENT ?= $(GITHUB_EVENT_PATH)

.PHONY: intake
intake: venv ## landing/<YYYY-MM>.csv in the bucket -> branch data/<month> per valid month: INTAKE_BUCKET=
	@test -n '$(INTAKE_BUCKET)' || { echo "Set INTAKE_BUCKET= (or BIKESHARE_ARTIFACTS_BUCKET) to the artifacts bucket." >&2; exit 2; }
	$(PY) -m intake land --bucket '$(INTAKE_BUCKET)'

.PHONY: intake-open-prs
intake-open-prs: ## Push every branch `make intake` opened as a PR (needs gh, GH_TOKEN)
	@while read -r branch; do \
		git switch --quiet "$$branch" && \
		BRANCH="$$branch" TITLE="$$(git log -1 --format=%s)" BODY="build/intake/$${branch#data/}.md" \
			.github/scripts/open-pr.sh || exit 1; \
		git switch --quiet main; \
	done <build/intake/branches.txt

.PHONY: retrain-dispatched
retrain-dispatched: venv ## A drift dispatch's scored data as the new month, why in build/drift-retrain.md: EVENT=<event json>
	@test -n '$(EVENT)' || { echo "Set EVENT= to the repository_dispatch event JSON (GITHUB_EVENT_PATH on GitHub)." >&2; exit 2; }
	$(PY) -m intake dispatched --event '$(EVENT)'

.PHONY: autorollback-timeline
autorollback-timeline: venv monitoring-tools ## Fault -> alert -> rollback branch -> merged, timed (served bento, real Prometheus and Alertmanager)
	$(BIN)/pytest tests/autorollback/test_autorollback_live.py -q -s -p no:cacheprovider

.PHONY: autorollback-timeline-pods
autorollback-timeline-pods: venv monitoring-tools image-tools ## The same loop with played prod pods: a bad signed image promoted, alert, rollback branch, prod played again on the previous image
	$(BIN)/pytest tests/image/test_autorollback_played.py -q -s -p no:cacheprovider

.PHONY: wf-drift-note
# Under the checks, not above them: the verdict and its table stay the PR's first screen.
wf-drift-note: ## Compose build/model-report.md again with build/drift-retrain.md (why a drift dispatch retrains) under its checks
	@test -s build/drift-retrain.md || { echo "No build/drift-retrain.md: run make retrain-dispatched first." >&2; exit 1; }
	@$(MAKE) wf-model-report MODEL_REPORT_NOTE=build/drift-retrain.md

