#!/usr/bin/env bash
# Every test: type check, unit tests (Vitest, Node), end-to-end tests (Playwright + Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit -p .
echo "== unit tests"
npx vitest run
echo "== end-to-end tests"
bash scripts/e2e.sh
