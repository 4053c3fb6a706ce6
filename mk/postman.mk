##@ API checks with Postman's tools (npm, pinned in bento/postman/package-lock.json)
POSTMAN_SRC := bento/postman
export POSTMAN_NODE_MODULES := $(CURDIR)/build/postman-node/node_modules

$(POSTMAN_NODE_MODULES)/.installed: $(POSTMAN_SRC)/package.json $(POSTMAN_SRC)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (>= 20) with npm." >&2; exit 1; }
	mkdir -p $(dir $(POSTMAN_NODE_MODULES))
	cp $^ $(dir $(POSTMAN_NODE_MODULES))
	cd $(dir $(POSTMAN_NODE_MODULES)) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: postman-tools
postman-tools: $(POSTMAN_NODE_MODULES)/.installed ## Install openapi-to-postmanv2, newman and its HTML reporter (project-local)

TEST_TOOLS += postman-tools

.PHONY: postman-collection
postman-collection: venv postman-tools ## Regenerate bento/postman/ from a served /docs.json: URL=http://127.0.0.1:PORT
	@test -n "$(URL)" || { echo "URL is required: make postman-collection URL=http://127.0.0.1:PORT (see make serve)." >&2; exit 2; }
	$(PY) -m bento.postman generate $(URL)

.PHONY: newman
newman: venv postman-tools ## Run the kept collection with newman against URL=...; HTML report in build/newman/
	@test -n "$(URL)" || { echo "URL is required: make newman URL=http://127.0.0.1:PORT (or make newman-local)." >&2; exit 2; }
	$(PY) -m bento.postman run $(URL)

.PHONY: newman-local
newman-local: register postman-tools ## Serve this checkout on a free loopback port and run newman against it (CI)
	$(PY) -m bento.postman serve-and-run
