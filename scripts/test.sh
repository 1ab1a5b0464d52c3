#!/usr/bin/env bash
# Install everything the tests need (Debian packages for the real browser, triple
# stores and the shells whose completion docs/development.md shows; Comunica and the
# Node.js it runs on from npm, at the versions tests/comunica/package-lock.json pins;
# the package with its test extras), then run the whole test suite, two test files at a time.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(chromium chromium-driver virtuoso-opensource raptor2-utils rasqal-utils zsh fish)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# npm for Comunica below: any npm runs npm ci (Comunica runs on the Node.js the lock file pins)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Comunica and the Node.js it runs on, for tests/test_comunica.py, at the versions
# tests/comunica/package-lock.json pins; installed again whenever that file changes.
comunica=tests/comunica
if ! cmp -s "$comunica/package-lock.json" "$comunica/node_modules/.installed-lock.json"; then
  npm ci --prefix "$comunica" --no-audit --no-fund --loglevel=error
  cp "$comunica/package-lock.json" "$comunica/node_modules/.installed-lock.json"
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
# Two pytest processes (pytest-xdist), one per core of the machines this runs on, each
# taking whole test files: a file's fixtures (servers, browsers, stores) start once.
exec python3 -m pytest -n 2 --dist loadfile "$@"
