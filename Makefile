# The one entry point: the same targets run on a laptop and in CI (the workflows and .ci/run
# call them). `make` alone prints the targets by area, with their defaults.
#
# mk/common.mk holds everything the fragments share (shell, tools, directories, ports, the
# AWS emulator) and comes first; then one fragment per area, by name. A fragment uses only
# its own variables and common.mk's. Recipes longer than a few lines are scripts in scripts/
# that a person can run and read; make passes them their arguments.
# A new area: write mk/<area>.mk (start it with a `##@ <folder>/: what` heading naming the
# folder it drives) and add one line here.
include mk/common.mk
include mk/python.mk
include mk/model.mk
include mk/scoring.mk
include mk/image.mk
include mk/terraform.mk
include mk/gitops.mk
include mk/kubeplay.mk
include mk/platform.mk
include mk/monitoring.mk
include mk/workflows.mk
include mk/bench.mk
include mk/bento.mk
include mk/feedback.mk
include mk/review.mk
include mk/dayone.mk

# A fragment on disk that is not included above would lose its targets without a word.
unlisted_fragments := $(filter-out $(MAKEFILE_LIST),$(wildcard mk/*.mk))
ifneq ($(unlisted_fragments),)
$(error Not included by the Makefile: $(unlisted_fragments); add `include <fragment>` to it)
endif

##@ Help

.PHONY: help
help: ## Show the targets by area with their defaults (colour only on a terminal)
	@$(PYTHON) $(SCRIPTS)/make_help.py \
	  $(foreach v,$(shell $(PYTHON) $(SCRIPTS)/make_help.py --names $(MAKEFILE_LIST)),'$(v)=$($(v))') \
	  -- $(MAKEFILE_LIST)
