# hack/tools.mk — pinned command-line tools for tests and demos.
#
# Include from the top-level Makefile (`include hack/tools.mk`) or run on its
# own (`make -f hack/tools.mk tools`). Every tool is built from source with
# `go install` into the git-ignored bin/ directory, so the only prerequisite is
# the Go toolchain and access to the Go module proxy. Each tool is a file
# target: it is built once and then reused until bin/ is removed.
#
# Versions were chosen because they build with the project's Go toolchain
# (see go.mod); bump them together with a run of `make tools`.

TOOLS_BIN ?= $(CURDIR)/bin
GO        ?= go

HELM_VERSION      ?= v3.16.4
HELM4_VERSION     ?= v4.3.1
KUSTOMIZE_VERSION ?= v5.7.1
KPT_VERSION       ?= v1.0.0-beta.49

HELM      ?= $(TOOLS_BIN)/helm
HELM4     ?= $(TOOLS_BIN)/helm4
KUSTOMIZE ?= $(TOOLS_BIN)/kustomize
KPT       ?= $(TOOLS_BIN)/kpt

.PHONY: tools tools-clean
tools: $(HELM) $(KUSTOMIZE) $(HELM4) $(KPT) ## Install all pinned tools into bin/

tools-clean: ## Remove the installed tools
	rm -f $(HELM) $(HELM4) $(KUSTOMIZE) $(KPT)

$(TOOLS_BIN):
	mkdir -p $@

$(HELM): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(KUSTOMIZE): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Helm 4 installs a binary also called "helm": build it into a scratch GOBIN
# and rename it so that it sits next to Helm 3.
$(HELM4): | $(TOOLS_BIN)
	rm -rf $(TOOLS_BIN)/.helm4
	GOBIN=$(TOOLS_BIN)/.helm4 $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)
	mv $(TOOLS_BIN)/.helm4/helm $@
	rm -rf $(TOOLS_BIN)/.helm4

$(KPT): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/GoogleContainerTools/kpt@$(KPT_VERSION)
