#!/usr/bin/env bash
# End-to-end tests: find Chromium, build the production bundle, run Playwright against it.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM_PATH="$(bash scripts/ensure-chromium.sh)"
export CHROMIUM_PATH
echo "e2e: using $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
npx vite build --logLevel warn 2>&1 | grep -v 'externalized for browser compatibility' || true
test -f dist/index.html || { echo "e2e: the production build failed" >&2; exit 1; }
npx playwright test "$@"
