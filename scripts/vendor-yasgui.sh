#!/usr/bin/env bash
# Refresh the vendored YASGUI (cspo_graph/web/static/vendor/yasgui/) from the npm registry:
#   bash scripts/vendor-yasgui.sh [VERSION]
# It downloads the published package with `npm pack` (no install, no build), copies its built
# script and style sheet, and writes the version into the folder's README.md. Commit the result:
# `pip install .` then needs no npm, and the page works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-4.6.2}"
target=cspo_graph/web/static/vendor/yasgui
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$version" >/dev/null && tar xzf ./*.tgz)
mkdir -p "$target"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$target/"
# The bundle ends with a source-map comment for a file not shipped here; drop it so that
# browsers do not ask the server for it.
sed -i -e 's|//# sourceMappingURL=.*$||' "$target/yasgui.min.js"
sed -i -e 's|/\*# sourceMappingURL=.*\*/||' "$target/yasgui.min.css"
sed -i -e "s|^Version: .*|Version: @zazuko/yasgui $version|" "$target/README.md"
echo "vendored @zazuko/yasgui $version into $target"
