#!/usr/bin/env bash
# wrk and hey for `make bench` (Debian packages), installed only when missing.
set -euo pipefail
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v hey >/dev/null || missing+=(hey)
command -v curl >/dev/null || missing+=(curl)
((${#missing[@]} == 0)) && exit 0
sudo=; (( EUID == 0 )) || sudo=sudo
echo "install-bench-tools: installing ${missing[*]} from Debian's packages" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
