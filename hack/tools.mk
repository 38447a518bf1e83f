# hack/tools.mk — pinned command-line tools for tests and demos.
#
# Include it from the top-level Makefile (`include hack/tools.mk`) or run it on
# its own (`make -f hack/tools.mk tools`). Every tool is built from source with
# `go install` into the git-ignored bin/ directory, so the only prerequisites
# are the Go toolchain and the Go module proxy. Each tool is a file target: it is
# built once and reused until bin/ is removed (`make tools-clean`).
#
# Versions are pinned because they build with the project's Go toolchain (see
# go.mod): helm v3.16.4, kustomize v5.7.1, helm v4.3.1 and golangci-lint
# v2.15.0 were verified with Go 1.26. kpt is not part of `tools`: take it from your system's packages
# (Debian and Ubuntu ship `kpt`) or from its releases. The kpt tests
# (cmd/preadmit/kpt_test.go) use KPT_BIN, bin/kpt or a kpt on PATH and are
# skipped without one. The $(KPT) target builds it with `go install`, where
# github.com/GoogleContainerTools/kpt can be fetched through the module proxy.

TOOLS_BIN ?= $(CURDIR)/bin
GO        ?= go

HELM_VERSION      ?= v3.16.4
HELM4_VERSION     ?= v4.3.1
KUSTOMIZE_VERSION ?= v5.7.1
KPT_VERSION       ?= v1.0.0-beta.49
GOLANGCI_VERSION  ?= v2.15.0

HELM      ?= $(TOOLS_BIN)/helm
HELM4     ?= $(TOOLS_BIN)/helm4
KUSTOMIZE ?= $(TOOLS_BIN)/kustomize
KPT       ?= $(TOOLS_BIN)/kpt
GOLANGCI  ?= $(TOOLS_BIN)/golangci-lint

.PHONY: tools tools-clean kyverno-cli
tools: $(HELM) $(KUSTOMIZE) $(HELM4) $(GOLANGCI) ## Install the pinned tools into bin/

tools-clean: ## Remove the installed tools
	rm -rf $(HELM) $(HELM4) $(KUSTOMIZE) $(KPT) $(GOLANGCI) $(TOOLS_BIN)/.helm4 $(KYVERNO) $(KYVERNO_SRC)

$(TOOLS_BIN):
	mkdir -p $@

# `go install` does not stamp Helm's version; set it so that `helm version` and
# .Capabilities.HelmVersion report the real release.
$(HELM): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install \
		-ldflags "-X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION)" \
		helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(KUSTOMIZE): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Helm 4's binary is also called "helm": build it into a scratch GOBIN and
# rename it so that it sits next to Helm 3.
$(HELM4): | $(TOOLS_BIN)
	rm -rf $(TOOLS_BIN)/.helm4
	GOBIN=$(TOOLS_BIN)/.helm4 $(GO) install \
		-ldflags "-X helm.sh/helm/v4/internal/version.version=$(HELM4_VERSION)" \
		helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)
	mv $(TOOLS_BIN)/.helm4/helm $@
	rm -rf $(TOOLS_BIN)/.helm4

# golangci-lint, for make lint (the linters are configured in .golangci.yml).
$(GOLANGCI): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(KPT): | $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/GoogleContainerTools/kpt@$(KPT_VERSION)

# The real Kyverno CLI, used as a test oracle by `make parity` (see README,
# "Agreement with Kyverno"). `go install` cannot build it: its go.mod has
# replace directives. So download the module source, copy it somewhere
# writable and build ./cmd/cli/kubectl-kyverno from there. On 2 cores this
# takes about 8-10 minutes, once; the binary is then reused from bin/.
KYVERNO_VERSION ?= v1.19.0
KYVERNO         ?= $(TOOLS_BIN)/kyverno
KYVERNO_SRC     := $(TOOLS_BIN)/.kyverno-src

kyverno-cli: $(KYVERNO) ## Build the pinned Kyverno CLI, the oracle of make parity, into bin/

$(KYVERNO): | $(TOOLS_BIN)
	rm -rf $(KYVERNO_SRC)
	dir=$$($(GO) mod download -json github.com/kyverno/kyverno@$(KYVERNO_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
		test -n "$$dir" && cp -R "$$dir" $(KYVERNO_SRC)
	chmod -R u+w $(KYVERNO_SRC)
	cd $(KYVERNO_SRC) && CGO_ENABLED=0 GOFLAGS=-mod=mod $(GO) build -trimpath \
		-ldflags "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=$(KYVERNO_VERSION)" \
		-o $@.tmp ./cmd/cli/kubectl-kyverno
	mv $@.tmp $@
	rm -rf $(KYVERNO_SRC)
