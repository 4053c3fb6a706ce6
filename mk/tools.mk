# Tools the checks need, installed on demand. A missing tool is a clear failure, never a skip.

# $(call apt_require,pkg ...): install missing Debian packages when running as root,
# otherwise stop with the command to run.
define apt_require
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing; run: sudo apt-get install$$missing" >&2; exit 1; fi; \
	fi
endef

# checkov pins an old boto3, so it lives in a virtualenv of its own.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
export CHECKOV := $(CURDIR)/$(CHECKOV_VENV)/bin/checkov

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'

.PHONY: checkov-install
checkov-install: $(CHECKOV) ## Install checkov in its own virtualenv

# Each area adds what its tests need: `TEST_TOOLS += target`.
TEST_TOOLS += checkov-install
