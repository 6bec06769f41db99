#!/usr/bin/env bash
# Refresh the precompiled GOV.UK Frontend files in static/govuk/ from the npm registry.
#
# Usage: scripts/refresh_govuk_frontend.sh [VERSION]   (default 5.8.0)
#
# Copies from the package's dist/govuk/:
#   govuk-frontend.min.css  (absolute url(/assets/...) rewritten to relative url(assets/...))
#   govuk-frontend.min.js   (an ES module: load with <script type="module">, call initAll())
#   assets/manifest.json and the images referenced by the CSS, the manifest
#   and templates/base.html.
# Source maps are not copied, and their sourceMappingURL comments are removed: Django's
# ManifestStaticFilesStorage (and whitenoise's) fails collectstatic on a missing .map file.
# No JS build step: the output is committed.
set -euo pipefail

VERSION="${1:-5.8.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/govuk"

# Images used: favicons/manifest icons (base.html, manifest.json) and the crest referenced
# by the CSS (footer copyright logo). govuk-opengraph-image.png is not used.
IMAGES=(
  favicon.ico
  favicon.svg
  govuk-icon-mask.svg
  govuk-icon-180.png
  govuk-icon-192.png
  govuk-icon-512.png
  govuk-crest.svg
)

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
TARBALL="$(npm pack --silent "govuk-frontend@${VERSION}" | tail -n 1)"
tar -xzf "$TARBALL"
SRC="$TMP/package/dist/govuk"
[ -f "$SRC/govuk-frontend.min.css" ] || { echo "unexpected package layout: $SRC" >&2; exit 1; }

STAGE="$TMP/out"
mkdir -p "$STAGE/assets/images"

# CSS: absolute /assets/ URLs -> relative (resolved against the CSS file, i.e. static/govuk/),
# and drop the source map comment. The GDS Transport typeface is licensed only for GOV.UK
# services, which this is not: its @font-face rules are removed and Arial is used instead.
sed -E \
  -e 's#@font-face\{font-family:GDS Transport[^}]*\}##g' \
  -e 's#font-family:GDS Transport,#font-family:#g' \
  -e 's#font-family:GDS Transport([;}])#font-family:arial,sans-serif\1#g' \
  -e 's#url\((["'\'']?)/assets/#url(\1assets/#g' \
  -e 's#/\*\# sourceMappingURL=[^*]*\*/##g' \
  "$SRC/govuk-frontend.min.css" > "$STAGE/govuk-frontend.min.css"

# JS: drop the source map comment.
sed -E -e 's#//\# sourceMappingURL=.*$##' \
  "$SRC/govuk-frontend.min.js" > "$STAGE/govuk-frontend.min.js"

cp "$SRC/assets/manifest.json" "$STAGE/assets/"
for img in "${IMAGES[@]}"; do
  cp "$SRC/assets/images/$img" "$STAGE/assets/images/"
done

# Every asset the CSS references must exist (ManifestStaticFilesStorage fails otherwise).
if grep -q 'url(/' "$STAGE/govuk-frontend.min.css"; then
  echo "absolute url() left in the CSS" >&2; exit 1
fi
for ref in $(grep -oE 'url\(["'\'']?assets/[^)"'\'']+' "$STAGE/govuk-frontend.min.css" \
             | sed -E 's#url\(["'\'']?##' | sort -u); do
  [ -f "$STAGE/$ref" ] || { echo "CSS references missing $ref" >&2; exit 1; }
done
if grep -q 'sourceMappingURL' "$STAGE/govuk-frontend.min.css" "$STAGE/govuk-frontend.min.js"; then
  echo "sourceMappingURL left in output" >&2; exit 1
fi

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -R "$STAGE" "$DEST"
printf '%s\n' "$VERSION" > "$DEST/VERSION"

echo "GOV.UK Frontend $VERSION copied to ${DEST#"$ROOT"/}:"
(cd "$DEST" && find . -type f | sort)
