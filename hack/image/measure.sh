#!/usr/bin/env bash
# `make image-measure`: the figures the README quotes, measured on this machine. Image size; the time of
# the local base images, of a cold (--no-cache) and a warm image build, and of one after a source change;
# then the init container's cold start (a new container each run, hardened as in a pod) writing a
# truststore, and `--version`, as the median of RUNS runs, and the same commands as processes inside one
# container. Rebuilds the image and the bases.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
RUNS=${RUNS:-9}
version=$(node -p 'require("./package.json").version')
image=$IMAGE_REPO:$version

seconds() { # CMD...: wall seconds, to the millisecond
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || die "failed: $*"
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000))" | sed -E 's/^([0-9]*)([0-9]{3})$/\1.\2/;s/^\./0./'
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
runs() { # CMD...: the median and the spread of RUNS runs
  local all
  all=$(for _ in $(seq "$RUNS"); do seconds "$@"; done)
  echo "median $(median <<<"$all") s (min $(sort -n <<<"$all" | head -1), max $(sort -n <<<"$all" | tail -1); $RUNS runs)"
}

echo "base images (REFRESH_BASE=1): $(REFRESH_BASE=1 seconds bash "$IMAGE_HACK/base.sh") s"
echo "image build, cold (--no-cache): $(PODMAN_BUILD_FLAGS=--no-cache seconds bash "$IMAGE_HACK/build.sh") s"
echo "image build, warm (nothing changed): $(seconds bash "$IMAGE_HACK/build.sh") s"
touched=src/version.ts
cp "$touched" "$touched.measure"
trap 'mv -f "$touched.measure" "$touched"' EXIT
echo "// measure" >>"$touched"
echo "image build, warm (a source file changed): $(seconds bash "$IMAGE_HACK/build.sh") s"
mv -f "$touched.measure" "$touched"
trap - EXIT
bash "$IMAGE_HACK/build.sh" 2>/dev/null
echo "image size: $(podman image inspect --format '{{.Size}}' "$image") bytes"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
mkdir "$work/in" "$work/out"
node dist/src/main.js certs --out "$work/in" >/dev/null # a CA to put in the bundle
chown 65532:65532 "$work/out"
chmod 0644 "$work/in/ca.crt"
echo "--version, cold start: $(runs bash "$IMAGE_HACK/run.sh" "$image" --version)"
echo "truststore pkcs12 (init container), cold start: $(runs bash "$IMAGE_HACK/run.sh" -v "$work/in:/bundle:ro" -v "$work/out:/out" \
  -e TRUSTSTORE_PASSWORD=changeit "$image" truststore --bundle /bundle/ca.crt --out /out/truststore.p12 --password-env TRUSTSTORE_PASSWORD)"
echo "node -e 0 in the image (container start-up alone): $(runs bash "$IMAGE_HACK/run.sh" --entrypoint node "$image" -e 0)"
# The same commands as processes inside one container: what the CLI itself costs, without podman's start-up.
inside='const { execFileSync } = require("child_process");
const time = (args) => { const t = process.hrtime.bigint(); execFileSync("/usr/local/bin/nifi-ca-guard", args, { env: { ...process.env, TRUSTSTORE_PASSWORD: "changeit" } }); return Number(process.hrtime.bigint() - t) / 1e6; };
const median = (f) => { const v = Array.from({ length: Number(process.argv[1]) }, f).sort((a, b) => a - b); return `median ${(v[v.length >> 1] / 1000).toFixed(3)} s (min ${(v[0] / 1000).toFixed(3)}, max ${(v[v.length - 1] / 1000).toFixed(3)})`; };
console.log(`--version, process only: ${median(() => time(["--version"]))}`);
console.log(`truststore pkcs12, process only: ${median(() => time(["truststore", "--bundle", "/bundle/ca.crt", "--out", "/out/truststore.p12", "--password-env", "TRUSTSTORE_PASSWORD"]))}`);'
bash "$IMAGE_HACK/run.sh" -v "$work/in:/bundle:ro" -v "$work/out:/out" --entrypoint node "$image" -e "$inside" "$RUNS"
