# preadmit — see README.md. `make demo` runs the main job on the embedded
# defaults; `make test` runs everything CI runs.

GO       ?= go
BIN      := $(CURDIR)/bin
PREADMIT := $(BIN)/preadmit
FUZZTIME ?= 4s

# make image: the KRM function's container image, built without a container
# engine (hack/fnimage). IMAGE_PLATFORMS=linux/amd64 builds one platform only.
IMAGE_TAG       ?= ghcr.io/preadmit/preadmit-fn:dev
IMAGE_PLATFORMS ?= linux/amd64,linux/arm64
VERSION         ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION        ?= $(shell git rev-parse HEAD 2>/dev/null)

include hack/tools.mk

.PHONY: all build test unit vet lint fuzz kyverno-test parity bench demo generate image clean

all: build

# Static binaries without the DWARF tables (-s -w): stack traces keep their
# function names and lines, and bin/preadmit is about 21 MB instead of 46.
build: ## Build bin/preadmit, bin/preadmit-helm (the Helm SDK half, run by "preadmit helm") and bin/preadmit-authz (the Envoy/HTTP authorization engine, run by "preadmit test")
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -ldflags "-s -w" -o $(BIN)/ ./cmd/preadmit ./cmd/preadmit-helm ./cmd/preadmit-authz

vet:
	@test -z "$$(gofmt -l cmd internal transform policies postrender hack)" || { echo "gofmt needed:"; gofmt -l cmd internal transform policies postrender hack; exit 1; }
	$(GO) vet ./...

lint: $(GOLANGCI) ## golangci-lint with .golangci.yml (errcheck, staticcheck, govet, ineffassign, unused, revive's doc rules, gocyclo 30)
	$(GOLANGCI) run ./...

# unit needs the Kyverno CLI too, so that everything make parity runs
# (TestKyvernoParity, the TestKyvernoDifferential tests and Kyverno's own
# CLI suite, TestKyvernoCLISuite) runs in CI: it is built once (about 10
# minutes on 2 cores) and kept in bin/.
unit: build $(HELM) $(HELM4) $(KUSTOMIZE) $(KYVERNO) ## Unit, golden, corpus and end-to-end tests (race detector on)
	KYVERNO_CLI_SUITE=1 PATH="$(BIN):$$PATH" HELM_BIN=$(HELM) HELM4_BIN=$(HELM4) KUSTOMIZE_BIN=$(KUSTOMIZE) KYVERNO_BIN=$(KYVERNO) PREADMIT_BIN=$(PREADMIT) \
		$(GO) test -race -count=1 -timeout 30m ./...

generate: ## Regenerate charts/preadmit-policies from policies/, the pre-parsed library policies/library.bin, the Kyverno CRD schemas of transform/schema and the merge keys of kyaml's Kubernetes schema as static data (transform/listmerge) (tests fail when they are stale)
	$(GO) run ./hack/genpolicychart charts/preadmit-policies
	$(GO) generate ./policies ./transform/schema ./transform/listmerge

kyverno-test: build ## The library's own kyverno-test.yaml files, as "kyverno test policies/" would run them
	$(PREADMIT) test --require-tests --fail-only policies/

parity: build $(HELM) $(KYVERNO) ## The real Kyverno CLI against preadmit: the library's tests (same table), apply against render on charts, the corpus, semantic cases and Kyverno's CEL conformance tests, and Kyverno's own test/cli suite (the directories preadmit does not pass are listed)
	KYVERNO_CLI_SUITE=1 KYVERNO_BIN=$(KYVERNO) PREADMIT_BIN=$(PREADMIT) HELM_BIN=$(HELM) $(GO) test -count=1 -timeout 40m \
		-run '^(TestKyvernoParity|TestKyvernoDifferential(Charts|Corpus|Semantics|Conformance)|TestKyvernoCLISuite|TestKyvernoCLISuiteDoc)$$' -v ./cmd/preadmit/

fuzz: ## A short run of every fuzz target
	FUZZTIME=$(FUZZTIME) hack/fuzz.sh

test: vet lint unit kyverno-test fuzz ## Everything CI runs

bench: build ## Benchmarks: the 10,000-document stream against the go-yaml floor, then the binary's time and peak memory, its start-up and its size
	$(GO) test -run='^$$' -bench='^Benchmark(Render|RenderRegistry|RenderCELTwins|Floor|FloorDecode)$$' -benchmem -benchtime=2x -count=5 ./transform/ | $(GO) run ./hack/benchratio
	$(GO) run ./hack/benchstream > $(BIN)/bench-10k.yaml
	$(GO) run ./hack/peakrss -in $(BIN)/bench-10k.yaml -- $(PREADMIT) render --mode audit --tty=never -q
	$(GO) run ./hack/peakrss -in $(BIN)/bench-10k.yaml -- $(PREADMIT) render --mode audit --tty=never -q --registry registry.local
	CGO_ENABLED=0 $(GO) build -ldflags "-s -w" -o $(BIN)/startupfloor ./hack/startupfloor
	$(GO) run ./hack/startup -bin $(PREADMIT) -runs 21 -floor $(BIN)/startupfloor

demo: build $(HELM) ## Render charts/demo-app through preadmit: diff of the mutations, then the report
	@echo "== helm template demo charts/demo-app | preadmit render --diff   (what the mutations change)"
	@$(HELM) template demo charts/demo-app --kube-version 1.31.0 | $(PREADMIT) render --diff --tty=never -q
	@echo
	@echo "== the report of the same render (--report-format table)"
	@$(HELM) template demo charts/demo-app --kube-version 1.31.0 | \
		$(PREADMIT) render --tty=never -q --report-file - --report-format table >/dev/null
	@echo
	@echo "== the same through 'helm template --post-renderer' in enforce mode (expected to fail):"
	@$(HELM) template demo charts/demo-app --kube-version 1.31.0 --post-renderer $(PREADMIT) \
		--post-renderer-args render --post-renderer-args --mode=enforce --post-renderer-args --tty=never >/dev/null || true

image: ## KRM function image, no container engine: bin/preadmit-fn-oci (OCI layout, every platform), bin/preadmit-fn.tar (docker load)
	$(GO) run ./hack/fnimage -platform $(IMAGE_PLATFORMS) -tag $(IMAGE_TAG) -version $(VERSION) -revision "$(REVISION)" \
		-layout $(BIN)/preadmit-fn-oci -tarball $(BIN)/preadmit-fn.tar

clean:
	rm -rf $(BIN)
