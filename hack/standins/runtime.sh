#!/usr/bin/env bash
# The stand-in image's Java runtime: jlink of Debian's OpenJDK 17 (the host's openjdk-17-jdk-headless,
# which ships the jmods; hack/install-jdk.sh installs it) with only the modules the stand-ins use:
# java.base (keytool is part of it), jdk.httpserver (nifi-ca's HTTPS), jdk.crypto.ec (EC keys and the
# ECDHE key exchange TLS prefers). A CDS archive and startup-friendly JVM defaults, since every tool
# invocation is a fresh short-lived JVM. Cached in .build/standins/; prints its directory.
set -euo pipefail
. "$(dirname "$0")/../image/lib.sh"
say() { echo "[standins] $*" >&2; }

JDK=${STANDINS_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
MODULES=java.base,jdk.httpserver,jdk.crypto.ec
# Serial GC and C1 only: small, fast to start; 128 MB of heap is far more than any stand-in needs.
OPTIONS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m"
CACHE=$REPO_ROOT/.build/standins

[ -x "$JDK/bin/jlink" ] || bash "$REPO_ROOT/hack/install-jdk.sh"
[ -f "$JDK/jmods/java.base.jmod" ] || die "no jmods in $JDK (Debian's openjdk-17-jdk-headless ships them); set STANDINS_JDK"
jdk_version=$(dpkg-query -W -f '${Version}' openjdk-17-jdk-headless 2>/dev/null || sed -n 's/^JAVA_RUNTIME_VERSION=//p' "$JDK/release")
key=$(cat "$0" <(echo "$jdk_version $MODULES $OPTIONS") | sha256sum | cut -c1-12)
out=$CACHE/jre-$key
if [ -x "$out/bin/java" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$CACHE"
rm -rf "$out.tmp"
say "runtime: jlink $MODULES from $JDK ($jdk_version)"
"$JDK/bin/jlink" --add-modules "$MODULES" --output "$out.tmp" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --generate-cds-archive --add-options="$OPTIONS" >&2
# Debian's JDK links some configuration into /etc/java-17-openjdk; the image has no such directory.
while IFS= read -r link; do
  target=$(readlink -f "$link" || true)
  [ -n "$target" ] && [ -e "$target" ] || die "dangling link in the runtime: $link"
  rm "$link"
  cp -a "$target" "$link"
done < <(find "$out.tmp" -type l)
"$out.tmp/bin/java" -version >&2
"$out.tmp/bin/keytool" -help >/dev/null 2>&1 || die "keytool missing from the runtime"
for old in "$CACHE"/jre-*; do [ "$old" = "$out.tmp" ] || rm -rf "$old"; done
mv "$out.tmp" "$out"
say "runtime: $(du -sm "$out" | cut -f1) MB, $out"
echo "$out"
