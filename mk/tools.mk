##@ Tools
# Tools the checks need, installed on demand. A missing tool is a clear failure, never a skip.
# Debian packages go through $(call apt_require,...) from mk/common.mk.

# checkov pins an old boto3, so it lives in a virtualenv of its own ($(CHECKOV_VENV)).
$(CHECKOV):
	$(call tool_venv,$(CHECKOV_VENV),checkov==$(CHECKOV_VERSION))

.PHONY: checkov-install
checkov-install: $(CHECKOV) ## Install checkov $(CHECKOV_VERSION) in its own virtualenv

TEST_TOOLS += checkov-install
