#!/usr/bin/env bash
# Deploys every platform stack, one at a time, in dependency order
# (network → cluster → mesh → workloads → observability, read from cdktf's manifest).
#
#   ops/deploy-all.sh [--auto-approve]
#
# PLATFORM_ENV selects the environment, as for `npx cdktf synth`.
# One stack per `cdktf deploy` so a failure stops before anything downstream
# of it, and the log says which stack it was. The state bucket (`bootstrap`)
# is never deployed from here: see docs/operations.md.
set -euo pipefail
# cdktf-cli without telemetry or its npm version check: neither does any work for the deploy.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1

usage() {
  echo "usage: ops/deploy-all.sh [--auto-approve]"
}

approve=()
while [ $# -gt 0 ]; do
  case "$1" in
    --auto-approve) approve=(--auto-approve) ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 64
      ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
echo "environment: ${PLATFORM_ENV:-(default of main.ts)}"

# Synthesize once; every deploy below reuses it (--skip-synth).
npx cdktf synth
stacks=$(npx tsx ops/stack-order.ts cdktf.out/manifest.json)

for stack in $stacks; do
  echo
  echo "==> deploying $stack"
  # cdktf refuses one stack without its dependencies unless told they are handled:
  # they are, by this loop's order.
  if ! npx cdktf deploy "$stack" --skip-synth --ignore-missing-stack-dependencies ${approve[@]+"${approve[@]}"}; then
    echo >&2
    echo "deploy of $stack failed; stacks after it were not touched. Fix it and re-run: deploys are idempotent." >&2
    exit 1
  fi
done

echo
echo "deployed: $(echo "$stacks" | tr '\n' ' ')"
