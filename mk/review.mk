##@ prbodies/: the PR bodies CI posts, rendered and photographed
# What a reviewer reads, checked as pictures (see docs/reviewing.md).
PR_BODIES_OUT ?= build/pr-bodies

.PHONY: pr-bodies-tools
pr-bodies-tools: ## Install headless Chromium (Debian's chromium, as root; GitHub's runners have Chrome); kubectl must be there
	@command -v kubectl >/dev/null || { echo "kubectl not found: the release, promotion and rollback bodies render manifests with it (see argocd/README.md)." >&2; exit 1; }
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian package chromium"; \
	    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
	      --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium not found: run as root, or: sudo apt-get install chromium" >&2; exit 1; fi; }

TEST_TOOLS += pr-bodies-tools

.PHONY: pr-bodies
pr-bodies: venv pr-bodies-tools ## Render every PR body CI posts as GitHub does, screenshot it: $(PR_BODIES_OUT)/<body>/fold.png
	$(PY) -m prbodies $(PR_BODIES_OUT)
