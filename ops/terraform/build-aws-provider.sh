#!/usr/bin/env bash
# Builds the AWS Terraform provider from the Go module proxy, once per machine, for places
# where the Terraform registry cannot be reached (this project's own workplace and CI).
# A user whose `terraform init` reaches the registry never needs this.
#
#   bash ops/terraform/build-aws-provider.sh           build (or find) and install; prints progress
#   bash ops/terraform/build-aws-provider.sh --check   exit 0 when installed, 1 when not; never builds
#   bash ops/terraform/build-aws-provider.sh --path    print the cache folder
#
# The snapshot and its version label come from ops/terraform/provider-snapshot.json. Everything
# lands in one folder outside the repository, keyed by the snapshot:
#   ${XDG_CACHE_HOME:-~/.cache}/eks-mesh-platform/terraform-provider-aws/<snapshot>/
#     src/        a writable copy of the module (the module cache is read-only)
#     bin/        the built binary
#     mirror/     a Terraform filesystem mirror holding it under <label>
#     terraform.rc  a Terraform CLI config that uses the mirror for hashicorp/aws only
#     manifest.json written last: its presence means "installed"
# ~/.terraformrc is never read or written; tools point TF_CLI_CONFIG_FILE at terraform.rc.
#
# Safe to re-run and to resume: finished steps are skipped, Go's build cache keeps compiled
# packages across an interrupted build, and a lock makes a second caller wait for the first
# instead of building again.
set -euo pipefail
cd "$(dirname "$0")/../.."

snapshot_file=ops/terraform/provider-snapshot.json
field() { node -p "require('./$snapshot_file').$1"; }
module=$(field module)
version=$(field version)
label=$(field label)
source_addr=$(field source)

root="${XDG_CACHE_HOME:-$HOME/.cache}/eks-mesh-platform/terraform-provider-aws/$version"
manifest="$root/manifest.json"

case "${1:-}" in
  --path) echo "$root"; exit 0 ;;
  --check) [ -s "$manifest" ] && exit 0 || exit 1 ;;
  "") ;;
  *) echo "build-aws-provider: unknown argument '$1' (use --check or --path)" >&2; exit 2 ;;
esac

started=$(date +%s)
say() { printf '[aws-provider %4ds] %s\n' "$(( $(date +%s) - started ))" "$*"; }
trap 'rc=$?; [ "$rc" = 0 ] || say "FAILED (exit $rc); nothing is installed. Re-run to resume: finished steps and compiled packages are kept." >&2' EXIT

if [ -s "$manifest" ]; then
  say "already installed (never built twice): $root"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-aws-provider: Go is needed to build $module (none on the PATH)" >&2
  exit 1
fi

mkdir -p "$root"
exec 9>"$root/.lock"
if ! flock -n 9; then
  say "another build holds $root/.lock; waiting for it instead of building twice"
  flock 9
  if [ -s "$manifest" ]; then say "installed by the other build: $root"; exit 0; fi
  say "the other build stopped without installing; resuming"
fi

say "building $module@$version as $label into $root"
say "about 45 minutes on two cores the first time; ~2 GB of modules ($(go env GOMODCACHE)) and ~9 GB of build cache ($(go env GOCACHE))"

# A heartbeat while long silent steps run, so a log never looks hung.
heartbeat() {
  while sleep 60; do say "... still $1" >&2; done
}
with_heartbeat() {
  local what=$1; shift
  heartbeat "$what" & local hb=$!
  local rc=0
  "$@" || rc=$?
  kill "$hb" 2>/dev/null || true
  wait "$hb" 2>/dev/null || true
  return "$rc"
}

# 1. The module's source, copied to a writable folder (go build writes nothing there, but the
#    module cache's read-only files make later cleanup and patch-free builds awkward).
if [ ! -f "$root/src/go.mod" ]; then
  say "step 1/4: downloading the module from the Go module proxy"
  dir=$(with_heartbeat "downloading $module" go mod download -json "$module@$version" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const j = JSON.parse(s);
      if (j.Error) { console.error(j.Error); process.exit(1); }
      console.log(j.Dir);
    });')
  rm -rf "$root/src.tmp"
  cp -R "$dir" "$root/src.tmp"
  chmod -R u+w "$root/src.tmp"
  mv "$root/src.tmp" "$root/src"
  say "step 1/4: source copied to $root/src"
else
  say "step 1/4: source already in $root/src"
fi

# 2. Dependencies: listing the build's packages downloads every module they need.
say "step 2/4: resolving and downloading dependencies"
total=$(cd "$root/src" && with_heartbeat "downloading dependencies" go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' . | grep -c .)
say "step 2/4: $total non-standard packages to compile"

# 3. Compile. `go build -v` names each package as it is compiled (cached ones are not named,
#    so a resumed build counts from where it stopped).
if [ ! -x "$root/bin/terraform-provider-aws" ]; then
  say "step 3/4: compiling (progress every 100 packages; cached packages are not counted)"
  mkdir -p "$root/bin"
  (
    cd "$root/src"
    go build -v -trimpath \
      -ldflags "-s -w -X $module/version.ProviderVersion=$label" \
      -o "$root/bin/terraform-provider-aws.tmp" . 2>&1
  ) | {
    n=0
    while IFS= read -r line; do
      case "$line" in
        *' '*|'#'*) printf '%s\n' "$line" ;;   # a compiler message, not a package name
        *) n=$((n + 1))
           if [ $((n % 100)) = 0 ]; then say "compiled $n packages this run (of $total + std; last: $line)"; fi ;;
      esac
    done
    say "go build ended after compiling $n packages this run"
  }
  mv "$root/bin/terraform-provider-aws.tmp" "$root/bin/terraform-provider-aws"
  say "step 3/4: built $root/bin/terraform-provider-aws ($(du -h "$root/bin/terraform-provider-aws" | cut -f1))"
else
  say "step 3/4: binary already built"
fi

# 4. A filesystem mirror (unpacked layout) and a CLI config that uses it for AWS only.
platform="$(go env GOOS)_$(go env GOARCH)"
host_ns_type=${source_addr}        # registry.terraform.io/hashicorp/aws
target="$root/mirror/$host_ns_type/$label/$platform"
mkdir -p "$target"
ln -f "$root/bin/terraform-provider-aws" "$target/terraform-provider-aws_v$label" 2>/dev/null \
  || cp "$root/bin/terraform-provider-aws" "$target/terraform-provider-aws_v$label"
cat > "$root/terraform.rc" <<EOF
# Written by ops/terraform/build-aws-provider.sh. Use with TF_CLI_CONFIG_FILE=<this file>.
provider_installation {
  filesystem_mirror {
    path    = "$root/mirror"
    include = ["$source_addr"]
  }
  direct {
    exclude = ["$source_addr"]
  }
}
EOF
cat > "$manifest.tmp" <<EOF
{
  "module": "$module",
  "version": "$version",
  "label": "$label",
  "source": "$source_addr",
  "platform": "$platform",
  "mirror": "$root/mirror",
  "cliConfig": "$root/terraform.rc"
}
EOF
mv "$manifest.tmp" "$manifest"
say "step 4/4: installed as $source_addr $label in the filesystem mirror $root/mirror"
say "use it with: TF_CLI_CONFIG_FILE=$root/terraform.rc (npm run validate finds it by itself)"
say "the source copy ($root/src) and Go's caches can be deleted now; the provider stays"
