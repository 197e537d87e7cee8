#!/usr/bin/env bash
# `make standins`: the NiFi and toolkit stand-in image the real-node e2e runs (hack/standins/README.md).
# One image from Debian's packages (debian.sh), a jlinked Java runtime from Debian's JDK (runtime.sh), the
# stand-in programs (java/, compiled here) and scripts (rootfs/), tagged as
#   e2e.nifi-ca-guard.local/apache/nifi:1.28.1        e2e.nifi-ca-guard.local/apache/nifi:1.12.1
#   e2e.nifi-ca-guard.local/apache/nifi-toolkit:1.28.1 e2e.nifi-ca-guard.local/apache/nifi-toolkit:1.12.1
# (the webhook recognises containers by the image's last path component and tag, as for apache/nifi),
# written to .build/image/nifi-standins.tar (docker-archive, every tag) for `ctr images import`.
# Rebuilt only when an input changes (their hash is kept beside the archive). Prints the archive's path.
set -euo pipefail
. "$(dirname "$0")/../image/lib.sh"
say() { echo "[standins] $*" >&2; }
HERE=$REPO_ROOT/hack/standins
REPO=e2e.nifi-ca-guard.local/apache
TAGS=("$REPO/nifi:1.28.1" "$REPO/nifi:1.12.1" "$REPO/nifi-toolkit:1.28.1" "$REPO/nifi-toolkit:1.12.1")
OUT=$ARCHIVE_DIR/nifi-standins.tar

bash "$REPO_ROOT/hack/image/install-tools.sh"
command -v javac >/dev/null || bash "$REPO_ROOT/hack/install-jdk.sh"
started=$(date +%s)
debian=$(bash "$HERE/debian.sh")
jre=$(bash "$HERE/runtime.sh")

key=$( { echo "$debian $jre ${TAGS[*]}"; cat "$0"; find "$HERE/java" "$HERE/rootfs" -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
if [ -s "$OUT" ] && [ "$(cat "$OUT.key" 2>/dev/null)" = "$key" ]; then
  say "up to date: $OUT"
  echo "$OUT"
  exit 0
fi

ctx=$(mktemp -d /var/tmp/nifi-standins-ctx.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
say "compiling the stand-in programs"
mkdir -p "$ctx/classes" "$ctx/jar/opt/nifi-standins" "$ctx/home/nifi"
javac --release 17 -Xlint:all -Werror -d "$ctx/classes" "$HERE"/java/standin/*.java >&2
jar --create --file "$ctx/jar/opt/nifi-standins/standins.jar" -C "$ctx/classes" . >&2
cp "$debian" "$ctx/debian.tar"
cp -a "$jre" "$ctx/jre"
cp -a "$HERE/rootfs" "$ctx/rootfs"
# Dirs the pods' uid 1000 writes: NiFi's conf/logs/run (start.sh, prop_replace), the toolkit's working
# directory, HOME. Everything else stays root's, read-only to the pods.
cat >"$ctx/Containerfile" <<'EOF'
FROM scratch
ADD debian.tar /
COPY jre /opt/java
COPY rootfs/ /
COPY jar/ /
COPY --chown=1000:1000 rootfs/opt/nifi/nifi-current /opt/nifi/nifi-current
COPY --chown=1000:1000 rootfs/opt/nifi/nifi-toolkit-current /opt/nifi/nifi-toolkit-current
COPY --chown=1000:1000 home/nifi /home/nifi
ENV PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin \
    JAVA_HOME=/opt/java \
    HOME=/home/nifi \
    NIFI_BASE_DIR=/opt/nifi \
    NIFI_HOME=/opt/nifi/nifi-current \
    NIFI_TOOLKIT_HOME=/opt/nifi/nifi-toolkit-current \
    NIFI_VERSION=1.28.1
WORKDIR /opt/nifi/nifi-current
USER 1000:1000
LABEL org.opencontainers.image.title="nifi-ca-guard e2e stand-ins for apache/nifi and apache/nifi-toolkit" \
      org.opencontainers.image.description="Not NiFi: small Java stand-ins (hack/standins) for the real-node e2e"
EOF
tag_args=()
for t in "${TAGS[@]}"; do tag_args+=(-t "$t"); done
say "building ${TAGS[0]} (and 3 more tags)"
podman build --pull=never -q "${tag_args[@]}" -f "$ctx/Containerfile" "$ctx" >&2
mkdir -p "$ARCHIVE_DIR"
rm -f "$OUT.tmp"
podman save --format docker-archive -m -o "$OUT.tmp" "${TAGS[@]}" >&2
mv "$OUT.tmp" "$OUT"
echo "$key" >"$OUT.key"
say "built in $(( $(date +%s) - started )) s: $(podman image inspect --format '{{.Size}}' "${TAGS[0]}" | awk '{ printf "%d MB", $1 / 1e6 }'), $OUT"
echo "$OUT"
