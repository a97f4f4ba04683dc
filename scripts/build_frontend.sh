#!/usr/bin/env bash
# Build GOV.UK Frontend into static/govuk (git-ignored; WhiteNoise hashes it at collectstatic).
#   static/govuk/govuk-frontend.min.css  compiled from frontend/main.scss (assets under /static/govuk/assets/)
#   static/govuk/assets/                 fonts, images, manifest from the pinned govuk-frontend
#   static/govuk/govuk-frontend.min.js   GOV.UK Frontend's ES module
#   static/govuk/init.js                 our module that calls initAll() (from frontend/js/)
#   static/govuk/js/*.js                 our other small enhancements (from frontend/js/)
# Needs `npm ci` first (the Makefile's `frontend` target does both).
set -euo pipefail
cd "$(dirname "$0")/.."

GOVUK=node_modules/govuk-frontend/dist/govuk
OUT=static/govuk
if [[ ! -d "$GOVUK" ]]; then
  echo "node_modules/govuk-frontend is missing: run 'npm ci' first" >&2
  exit 1
fi

# Build next to the old output and swap at the end, so a running server never sees a half-built folder.
TMP="static/.govuk-build-$$"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$TMP"
mkdir -p "$TMP/js"

node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules frontend/main.scss "$TMP/govuk-frontend.min.css"

cp -R "$GOVUK/assets" "$TMP/assets"
cp "$GOVUK/govuk-frontend.min.js" "$TMP/govuk-frontend.min.js"
cp frontend/js/init.js "$TMP/init.js"
for f in frontend/js/*.js; do
  [[ "$(basename "$f")" == "init.js" ]] && continue
  cp "$f" "$TMP/js/"
done

rm -rf "$OUT.old"
[[ -d "$OUT" ]] && mv "$OUT" "$OUT.old"
mv "$TMP" "$OUT"
rm -rf "$OUT.old"

echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") built into $OUT"
