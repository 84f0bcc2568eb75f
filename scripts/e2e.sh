#!/usr/bin/env bash
# End-to-end tests: find Chromium, build the production bundle, run Playwright against it.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM_PATH="$(bash scripts/ensure-chromium.sh)"
export CHROMIUM_PATH
# The README's screenshots show Chinese text: without a CJK font Chromium draws boxes.
if [ "${TUWEN_README_SHOTS:-}" = 1 ] && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "e2e: no Chinese font for the README screenshots: installing Debian's fonts-noto-cjk (apt-get, as root)…" >&2
  bash scripts/apt-install.sh fonts-noto-cjk || { echo "e2e: TUWEN_README_SHOTS=1 needs a Chinese font (Debian: sudo apt-get install fonts-noto-cjk)" >&2; exit 1; }
fi
echo "e2e: using $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
npx vite build --logLevel warn 2>&1 | grep -v 'externalized for browser compatibility' || true
test -f dist/index.html || { echo "e2e: the production build failed" >&2; exit 1; }
npx playwright test "$@"
