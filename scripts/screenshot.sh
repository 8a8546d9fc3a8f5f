#!/usr/bin/env bash
# Renders a report's index.html to a PNG with headless Chromium, to look at the page as a
# reader would. Usage: scripts/screenshot.sh REPORT_DIR [OUT.png] [SECTION]
#   OUT.png defaults to REPORT_DIR/index.png; SECTION is a section's id, "team" or
#   "engineer_<id>" (the page's navigation links show them), and the picture then shows
#   the page's header and that section only. HEIGHT (default 3000) sets the height of the picture in pixels.
# Installs Chromium with apt-get when it is missing (needs root).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT_DIR [OUT.png] [SECTION]" >&2
    exit 2
fi
dir=$(cd "$1" && pwd)
page="$dir/index.html"
if [[ ! -f "$page" ]]; then
    echo "error: $page not found; give the folder of a report (e.g. reports/2026-W47)" >&2
    exit 2
fi
out=${2:-$dir/index.png}
section=${3:-}
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
if [[ -n "$section" ]]; then
    if ! grep -q "<section id=\"$section\"" "$page"; then
        echo "error: $page has no section '$section'" >&2
        exit 2
    fi
    # A copy of the page with every other section hidden (headless Chromium does not
    # scroll to a #fragment before it takes the picture).
    sed "s|</head>|<style>section:not(#$section){display:none}</style></head>|" "$page" >"$profile/page.html"
    page="$profile/page.html"
fi
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
