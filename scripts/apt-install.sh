#!/usr/bin/env bash
# Installs Debian packages with apt-get when running as root, refreshing the package lists if the first try
# fails (a fresh machine may have none). Exits non-zero, without trying, anywhere else: the caller says what to do.
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$@" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "$@" >&2; }
