#!/usr/bin/env bash
# Runs the test suite (npm test) under each Node.js release CI tests the tool on: the
# oldest and the newest LTS line package.json's engines admits, pinned in ops/images/node.json
# and taken from the npm registry (ops/images/node-release.sh, cached outside the repo).
#
#   npm run test:lts                     every pinned test release, oldest first
#   npm run test:lts -- --except-newest  all but the newest (.ci/run runs its other steps,
#                                        the suite among them, on the newest)
# Each run's JSON report goes to .vitest/results-node-<version>.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t dirs < <(bash ops/images/node-release.sh --test)
if [ "${1:-}" = "--except-newest" ]; then
  unset 'dirs[-1]'
  if [ ${#dirs[@]} -eq 0 ]; then
    echo "test:lts: ops/images/node.json pins one release to test on; the suite already ran on it"
    exit 0
  fi
fi
status=0
summary=()
for dir in "${dirs[@]}"; do
  version=$("$dir/bin/node" --version)
  printf '\n==> npm test on Node.js %s (%s)\n' "$version" "$dir/bin/node"
  report=".vitest/results-node-${version#v}.json"
  # npm, vitest and its workers all start "node" from PATH (workers: process.execPath).
  PATH="$dir/bin:$PATH" npm test -- --outputFile.json="$report" || status=$?
  summary+=("$(node -e 'const r = require("./'"$report"'"); console.log(`Node.js '"$version"': ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' 2>/dev/null || echo "Node.js $version: no report")")
done
printf '%s\n' "${summary[@]}"
exit "$status"
