#!/usr/bin/env bash
# Installs a headless JDK from Debian's packages when javac or keytool is missing (CI on a fresh machine).
# Idempotent: does nothing when both are already on PATH.
set -euo pipefail

if command -v javac >/dev/null 2>&1 && command -v keytool >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-jdk: javac/keytool missing and not root (no sudo): install default-jdk-headless" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-jdk: installing a headless JDK with apt-get" >&2
$SUDO apt-get update -qq
if apt-cache show default-jdk-headless >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends default-jdk-headless >/dev/null
else
  $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null
fi

for tool in java javac keytool; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-jdk: $tool still missing after install" >&2; exit 1; }
done
java -version 2>&1 | head -1 >&2
