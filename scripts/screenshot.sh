#!/usr/bin/env bash
# Renders one page of a report to a PNG with headless Chromium, to look at it as a reader
# would. Usage: scripts/screenshot.sh REPORT_DIR [OUT.png] [PAGE]
#   OUT.png defaults to REPORT_DIR/index.png; PAGE defaults to index.html (the team page,
#   or the engineer's page of a self-review) and may be engineers/<file id>.html (the team
#   page links to each). HEIGHT (default 3000) sets the height of the picture in pixels.
# Installs Chromium with apt-get when it is missing (needs root).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT_DIR [OUT.png] [PAGE]" >&2
    exit 2
fi
dir=$(cd "$1" && pwd)
page="$dir/${3:-index.html}"
if [[ ! -f "$page" ]]; then
    echo "error: $page not found; give the folder of a report (e.g. reports/2026-W47) and a page in it" >&2
    exit 2
fi
out=${2:-$dir/index.png}
height=${HEIGHT:-3000}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$candidate
        break
    fi
done
if [[ -z "$browser" ]]; then
    echo "Chromium not found; installing it with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    browser=chromium
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# The flags keep the browser offline and quiet: the page must render from the file alone.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size="1520,$height" --hide-scrollbars \
    --screenshot="$out" "file://$page" >/dev/null 2>&1
if [[ ! -s "$out" ]]; then
    echo "error: $browser wrote no screenshot to $out" >&2
    exit 1
fi
echo "$out"
