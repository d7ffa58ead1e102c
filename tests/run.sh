#!/usr/bin/env bash
# Install everything the tests need, then run them. This is the README's test command; .ci/run runs it.
# Extra arguments go to pytest (e.g. `bash tests/run.sh -k site -x`).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the browser tests, poppler-utils (pdftoppm) for PDF page images,
# Pango for WeasyPrint, and fonts with the glyphs the packs need.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi 'DejaVu Sans' || missing+=(fonts-dejavu-core)
# the manuals' faces: Noto Serif (text), Noto Sans (headings), Noto Naskh Arabic (Arabic text)
fc-list 2>/dev/null | grep -qi 'Noto Naskh Arabic' || missing+=(fonts-noto-core)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages, in the project's own virtual environment.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

# Browser-side tools the tests load into pages (axe-core, scorm-again), pinned by package-lock.json.
(cd tests/node && npm ci --no-audit --no-fund --silent)

exec .venv/bin/python -m pytest "$@"
