#!/usr/bin/env bash
# The image's label values, one KEY=VALUE a line: build.sh passes them as build args and test/image checks
# that the image carries exactly these. From package.json (the one version string, licence, description,
# repository) and git: revision is the commit (+ "-dirty" with uncommitted changes to tracked files) and
# created is the commit's time in UTC, so one commit always builds the same labels (as SOURCE_DATE_EPOCH).
set -euo pipefail
cd "$(dirname "$0")/../.."

node -e '
  const p = require("./package.json");
  const repo = typeof p.repository === "string" ? p.repository : p.repository && p.repository.url;
  const line = (k, v) => console.log(`${k}=${String(v ?? "").replace(/\s+/g, " ")}`);
  line("VERSION", p.version);
  line("LICENSES", p.license);
  line("DESCRIPTION", p.description);
  if (repo) line("SOURCE", repo);
'
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
  dirty=$(git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
  echo "REVISION=$(git rev-parse HEAD)$dirty"
  echo "CREATED=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
  # package.json names no repository (yet): where this clone came from, if anywhere.
  grep -q '"repository"' package.json || echo "SOURCE=$(git remote get-url origin 2>/dev/null || echo unknown)"
else
  echo "REVISION=unknown"
  echo "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  grep -q '"repository"' package.json || echo "SOURCE=unknown"
fi
