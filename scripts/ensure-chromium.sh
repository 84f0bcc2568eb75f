#!/usr/bin/env bash
# Finds Chromium for the end-to-end tests: $CHROMIUM_PATH, else /usr/bin/chromium, else installs Debian's
# package when running as root (scripts/apt-install.sh). Prints the path on stdout; anything else goes to stderr.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then echo "$CHROMIUM_PATH"; exit 0; fi
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
echo "Chromium is missing: installing Debian's chromium package (apt-get, as root)…" >&2
if bash "$(dirname "$0")/apt-install.sh" chromium; then echo /usr/bin/chromium; exit 0; fi
cat >&2 <<'MSG'
The end-to-end tests need Chromium, and none was found.
  Debian/Ubuntu:  sudo apt-get install chromium
  or point CHROMIUM_PATH at a Chromium or Chrome binary:  CHROMIUM_PATH=/path/to/chrome npm test
(Playwright's own browser download is not used: it cannot be fetched on machines without internet.)
MSG
exit 1
