#!/usr/bin/env bash
# Writes manifests/crd/nifitrustpolicies.yaml and the chart's byte-identical copy from src/install/crd.ts,
# the CRD's one source (test/unit/install/manifests-files.test.ts and test/chart/chart-files.test.ts
# compare them). Run after `npx tsc -p tsconfig.json`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
node --input-type=module -e '
import { stringify } from "yaml";
import { nifiTrustPolicyCrd } from "./dist/src/install/crd.js";
const header = [
  "# NiFiTrustPolicy: one per NiFi cluster, cluster-scoped, read by `serve --watch-policies`.",
  "# The schema rejects most mistakes at `kubectl apply` and fills in the constant defaults; the webhook",
  "# validates again, keeps the last good version of a policy it refuses and says why in its status.",
  "# Generated from src/install/crd.ts by hack/write-crd.sh: edit that file, not this one.",
  "",
].join("\n");
// YAML 1.1 quoting: Go YAML readers take True, False, off, yes... unquoted as booleans.
process.stdout.write(header + stringify(nifiTrustPolicyCrd(), { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false }));
' >manifests/crd/nifitrustpolicies.yaml
cp manifests/crd/nifitrustpolicies.yaml charts/nifi-ca-guard/crds/nifitrustpolicies.yaml
