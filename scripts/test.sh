#!/usr/bin/env bash
# Every test: type check, unit tests (Vitest, Node), end-to-end tests (Playwright + Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit -p .
echo "== unit tests"
# The DICOM Tuwen writes is checked with the standard validator (dciodvfy): install it where we can.
if ! command -v dciodvfy >/dev/null; then
  echo "dciodvfy is missing: installing Debian's dicom3tools (apt-get, as root)…"
  bash scripts/apt-install.sh dicom3tools 2>/dev/null || echo "dicom3tools could not be installed: the validator test will be skipped"
fi
npx vitest run
echo "== end-to-end tests"
bash scripts/e2e.sh
