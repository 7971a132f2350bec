#!/usr/bin/env bash
# Installs the non-npm tools the tests use, pinned, inside the project:
#   .venv/bin/checkov     security scan of the synthesized Terraform (requirements-dev.txt)
#   tree-sitter-fluentbit in .venv: parses the generated Fluent Bit configuration
#   .venv/bin/moto_server local AWS for npm run test:terraform (requirements-dev.txt)
#   .tools/bin/actionlint lint of the GitHub Actions workflows (Go module, version below)
#   /usr/bin/chromium     Debian's Chromium, driven headless by the reference system's page test
#                         (__tests__/services/e2e.test.ts); playwright-core cannot download a browser here
#   ~/.cache/eks-mesh-platform/botocore: the botocore wheel the AWS API shapes are extracted from
#                         (facts/upstream/botocore/provenance.json: version and SHA-256), for the
#                         test that re-extracts them (__tests__/aws-shapes.test.ts)
#   ~/.cache/eks-mesh-platform/kubernetes/sources: the upstream CRDs and charts the tests validate
#                         against, from Go module zips pinned by version and go.sum hash
#                         (ops/kubernetes/pins.json; ops/kubernetes/setup.sh sources)
#   the Go module cache: the modules the EC2 instance data is extracted from (scripts/ec2-instances.ts)
# shellcheck (used by actionlint for run: scripts) comes from Debian when apt is available.
# Idempotent: a second run only checks the installed versions.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "setup-tools: Python 3.10+ is needed for Checkov and tree-sitter (set PYTHON=/path/to/python3)" >&2
  exit 1
fi
want=$(grep -E '^checkov==' requirements-dev.txt | cut -d= -f3)
moto_want=$(grep -E '^moto\[server\]==' requirements-dev.txt | cut -d= -f3)
moto_have() { .venv/bin/python -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null; }
# tree-sitter-fluentbit parses the Fargate logging ConfigMap in the tests (scripts/fluent-bit-parse.py).
if [ -x .venv/bin/checkov ] && [ "$(.venv/bin/checkov --version 2>/dev/null)" = "$want" ] \
  && .venv/bin/python -c 'import tree_sitter_fluentbit' 2>/dev/null \
  && [ -x .venv/bin/moto_server ] && [ "$(moto_have)" = "$moto_want" ]; then
  echo "setup-tools: checkov $want, tree-sitter-fluentbit and moto $moto_want already in .venv"
else
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "setup-tools: installed checkov $(.venv/bin/checkov --version) and moto $(moto_have) into .venv"
fi

# The AWS API models (botocore, a newer release than .venv's boto3 allows, for the data only).
botocore_pin=facts/upstream/botocore/provenance.json
botocore_version=$(node -p "require('./$botocore_pin').version")
botocore_sha256=$(node -p "require('./$botocore_pin').wheel.sha256")
botocore_dir="${XDG_CACHE_HOME:-$HOME/.cache}/eks-mesh-platform/botocore"
botocore_wheel="$botocore_dir/$(node -p "require('./$botocore_pin').wheel.file")"
if [ -f "$botocore_wheel" ] && echo "$botocore_sha256  $botocore_wheel" | sha256sum --check --status; then
  echo "setup-tools: botocore $botocore_version wheel already in $botocore_dir"
else
  mkdir -p "$botocore_dir"
  botocore_tmp=$(mktemp -d)
  echo "botocore==$botocore_version --hash=sha256:$botocore_sha256" >"$botocore_tmp/requirements.txt"
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
    -r "$botocore_tmp/requirements.txt" -d "$botocore_tmp"
  mv "$botocore_tmp/$(basename "$botocore_wheel")" "$botocore_wheel"
  rm -rf "$botocore_tmp"
  echo "setup-tools: downloaded botocore $botocore_version (SHA-256 $botocore_sha256) into $botocore_dir"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "setup-tools: Go is needed to build actionlint ($ACTIONLINT_VERSION)" >&2
  exit 1
fi
if [ -x .tools/bin/actionlint ] && [ "$(.tools/bin/actionlint -version | head -n1)" = "${ACTIONLINT_VERSION#v}" ]; then
  echo "setup-tools: actionlint $ACTIONLINT_VERSION already in .tools/bin"
else
  GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  echo "setup-tools: installed actionlint $ACTIONLINT_VERSION into .tools/bin"
fi

if ! command -v shellcheck >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null) \
    && echo "setup-tools: installed shellcheck from Debian" \
    || echo "setup-tools: shellcheck not installed; actionlint will skip run: scripts" >&2
fi

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  echo "setup-tools: using CHROMIUM_PATH=$CHROMIUM_PATH for the page test"
elif [ -x /usr/bin/chromium ]; then
  echo "setup-tools: $(/usr/bin/chromium --version 2>/dev/null | head -n1) already installed"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  echo "setup-tools: installed $(/usr/bin/chromium --version 2>/dev/null | head -n1) from Debian"
else
  echo "setup-tools: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH for the page test" >&2
  exit 1
fi

# The CRDs (Gateway API, Karpenter, VPA) and charts (Karpenter, metrics-server) the tests and
# npm run test:kubernetes validate against; nothing is read from beside the repository.
bash ops/kubernetes/setup.sh sources

# The EC2 instance data's Go modules, pinned by go.sum hash; its test regenerates the data from them.
npx tsx scripts/ec2-instances.ts --download
