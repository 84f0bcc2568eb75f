#!/usr/bin/env bash
# Every test: type check, unit tests (Vitest, Node), end-to-end tests (Playwright + Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit -p .
echo "== unit tests"
# The DICOM Tuwen writes is checked with the standard validator (dciodvfy): install it where we can.
if ! command -v dciodvfy >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "dciodvfy is missing: installing Debian's dicom3tools (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq dicom3tools >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq dicom3tools >/dev/null; } ||
    echo "dicom3tools could not be installed: the validator test will be skipped"
fi
npx vitest run
echo "== end-to-end tests"
bash scripts/e2e.sh
