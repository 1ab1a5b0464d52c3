#!/usr/bin/env bash
# Install everything the tests need (Debian packages for the real browser, triple
# stores and the shells whose completion docs/development.md shows; the package with
# its test extras), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(chromium chromium-driver virtuoso-opensource raptor2-utils rasqal-utils zsh fish)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
exec python3 -m pytest "$@"
