#!/usr/bin/env bash
# Installs what the Kubernetes checks need, pinned by ops/kubernetes/pins.json, into one cache
# outside the repository: ${XDG_CACHE_HOME:-~/.cache}/eks-mesh-platform/kubernetes/
#
#   bash ops/kubernetes/setup.sh sources    the upstream CRDs and charts, from Go module zips
#                                           (seconds; npm run setup:tools runs this step)
#   bash ops/kubernetes/setup.sh tools      sources, then kube-apiserver and helm built from the
#                                           Go module proxy, and Debian's etcd-server (minutes,
#                                           once per machine; npm run setup:kubernetes)
#   bash ops/kubernetes/setup.sh --check    exit 0 when sources and tools are installed; never builds
#   bash ops/kubernetes/setup.sh --path     print the cache folder
#
# A build never runs past EKS_MESH_DEADLINE (seconds since the epoch) when it is set: .ci/run
# sets it so a fresh machine's first builds stop in time and say so (exit 75), instead of CI's
# clock ending the run. Go's build cache keeps what was compiled, so the next run resumes.
# Every step is skipped when its result is there; a lock makes a second caller wait.
set -euo pipefail
cd "$(dirname "$0")/../.."

pins="$PWD/ops/kubernetes/pins.json"
pin() { node -p "const p = require('$pins'); $1"; }
cache="${XDG_CACHE_HOME:-$HOME/.cache}/eks-mesh-platform/kubernetes"
started=$(date +%s)
say() { printf '[kubernetes-setup %4ds] %s\n' "$(( $(date +%s) - started ))" "$*"; }

k8s_version=$(pin 'p.kubeApiserver.version')
# The apiserver build is keyed by its module's own files too: a changed go.sum rebuilds it.
build_key=$(cat ops/kubernetes/apiserver/go.mod ops/kubernetes/apiserver/go.sum ops/kubernetes/apiserver/main.go | sha256sum | cut -c1-12)
apiserver_dir="$cache/kube-apiserver-$k8s_version-$build_key"
helm_version=$(pin 'p.helm.version')
helm_dir="$cache/helm-$helm_version"
sources_dir="$cache/sources"

# Whether an installed source's manifest records the pin's current content (ops/kubernetes/pin-key.cjs).
pin_current() {
  node -e 'const { pinKey } = require(process.argv[1]); const [m, p, n] = process.argv.slice(2); process.exit(pinKey(require(m).pin) === pinKey(require(p).sources[n]) ? 0 : 1)' \
    "$PWD/ops/kubernetes/pin-key.cjs" "$1" "$pins" "$2"
}
sources_installed() {
  local name
  for name in $(pin 'Object.keys(p.sources).join(" ")'); do
    pin_current "$sources_dir/$name/$(pin "p.sources['$name'].version")/manifest.json" "$name" 2>/dev/null || return 1
  done
}
tools_installed() { [ -x "$apiserver_dir/bin/kube-apiserver" ] && [ -x "$helm_dir/bin/helm" ] && command -v etcd >/dev/null; }

case "${1:-}" in
  --path) echo "$cache"; exit 0 ;;
  --check) sources_installed && tools_installed && exit 0 || exit 1 ;;
  sources|tools) ;;
  *) echo "kubernetes-setup: use 'sources', 'tools', --check or --path (got '${1:-}')" >&2; exit 2 ;;
esac

if ! command -v go >/dev/null 2>&1; then
  echo "kubernetes-setup: Go is needed (the CRDs and charts come from Go module zips; none on the PATH)" >&2
  exit 1
fi
mkdir -p "$cache"
exec 9>"$cache/.lock-$1"
if ! flock -n 9; then
  say "another setup holds $cache/.lock-$1; waiting for it"
  flock 9
fi
# The project's own flags only: a GOFLAGS=-mod=mod in the environment must not loosen go.sum checks.
export GOFLAGS=-buildvcs=false

# Seconds left before EKS_MESH_DEADLINE (a large number when none is set).
remaining() { if [ -n "${EKS_MESH_DEADLINE:-}" ]; then echo $(( EKS_MESH_DEADLINE - $(date +%s) )); else echo 999999; fi; }
# Runs a command, ended when the deadline passes; exit 75 then (EX_TEMPFAIL: try again later).
within_deadline() {
  local what=$1; shift
  local left; left=$(remaining)
  if [ "$left" -le 30 ]; then
    say "NOT STARTED: $what (the run's time budget is spent; EKS_MESH_DEADLINE)" >&2
    return 75
  fi
  local rc=0
  timeout --signal=TERM --kill-after=30 "$left" "$@" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    say "STOPPED at the run's time budget: $what did not finish; compiled packages stay in Go's build cache and the next run resumes" >&2
    return 75
  fi
  return "$rc"
}

# --- sources: a module zip per pin, its hash checked against the pin, the listed files copied.
for name in $(pin 'Object.keys(p.sources).join(" ")'); do
  module=$(pin "p.sources['$name'].module")
  version=$(pin "p.sources['$name'].version")
  want=$(pin "p.sources['$name'].sum")
  dest="$sources_dir/$name/$version"
  # Installed when the manifest records this very pin (a changed file list reinstalls it).
  if [ -s "$dest/manifest.json" ] && pin_current "$dest/manifest.json" "$name"; then continue; fi
  json=$(cd "$cache" && GOFLAGS= go mod download -json "$module@$version") || { echo "$json" >&2; exit 1; }
  got=$(node -e 'const j = JSON.parse(process.argv[1]); if (j.Error) { console.error(j.Error); process.exit(1); } console.log(j.Sum + " " + j.Dir)' "$json")
  sum=${got%% *}; dir=${got#* }
  if [ "$sum" != "$want" ]; then
    echo "kubernetes-setup: $module@$version has hash $sum, but ops/kubernetes/pins.json pins $want; refusing it" >&2
    exit 1
  fi
  rm -rf "$dest.tmp"; mkdir -p "$dest.tmp"
  for f in $(pin "p.sources['$name'].files.join(' ')"); do
    mkdir -p "$dest.tmp/$(dirname "$f")"
    cp -R "$dir/${f%/}" "$dest.tmp/$(dirname "$f")/"
  done
  chmod -R u+w "$dest.tmp"
  # Symlinks of the upstream tree that a module zip leaves out, restored as copies.
  for link in $(pin "Object.entries(p.sources['$name'].links ?? {}).map(([l, t]) => l + '=' + t).join(' ')"); do
    rm -rf "$dest.tmp/${link%%=*}"; cp -R "$dir/${link#*=}" "$dest.tmp/${link%%=*}"
  done
  # A chart whose tree lags its release number gets it stamped, as upstream's helm package --version does.
  chart_dir=$(pin "p.sources['$name'].chart?.dir ?? ''")
  if [ -n "$chart_dir" ]; then
    chart_version=$(pin "p.sources['$name'].chart.version")
    sed -i -E "s/^(version|appVersion): .*/\\1: $chart_version/" "$dest.tmp/$chart_dir/Chart.yaml"
  fi
  node -e 'const [p, n] = process.argv.slice(1); console.log(JSON.stringify({ pin: require(p).sources[n] }, null, 2))' "$pins" "$name" > "$dest.tmp/manifest.json"
  rm -rf "$dest"; mv "$dest.tmp" "$dest"
  say "sources: $module@$version ($sum) -> $dest"
done
say "sources: $(pin 'Object.values(p.sources).map((s) => s.module + "@" + s.version).join(", ")') in $sources_dir"
[ "$1" = sources ] && exit 0

# --- etcd from Debian (the version pinned where apt still offers it; the candidate otherwise).
if ! command -v etcd >/dev/null 2>&1; then
  etcd_pkg=$(pin 'p.etcd.debianPackage'); etcd_version=$(pin 'p.etcd.version')
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "kubernetes-setup: etcd is needed; install Debian's $etcd_pkg ($etcd_version) as root" >&2
    exit 1
  fi
  apt-get update -qq
  if ! apt-get install -y -qq --no-install-recommends "$etcd_pkg=$etcd_version" >/dev/null; then
    say "$etcd_pkg=$etcd_version is no longer offered; installing apt's candidate $(apt-cache policy "$etcd_pkg" | awk '/Candidate/ {print $2}')" >&2
    apt-get install -y -qq --no-install-recommends "$etcd_pkg" >/dev/null
  fi
  # Debian starts an etcd service on install; the tests run their own on other ports.
  say "etcd: installed $(etcd --version 2>/dev/null | head -n1)"
fi

# --- helm, from its module at the pinned version and hash (its go.mod has no replaces, and
#     go install checks every dependency against the checksum database).
if [ ! -x "$helm_dir/bin/helm" ]; then
  json=$(cd "$cache" && GOFLAGS= go mod download -json "$(pin 'p.helm.module')@$helm_version")
  sum=$(node -e 'const j = JSON.parse(process.argv[1]); if (j.Error) { console.error(j.Error); process.exit(1); } console.log(j.Sum)' "$json")
  if [ "$sum" != "$(pin 'p.helm.sum')" ]; then
    echo "kubernetes-setup: helm.sh/helm/v3@$helm_version has hash $sum, not the pinned $(pin 'p.helm.sum'); refusing it" >&2
    exit 1
  fi
  say "helm: building helm.sh/helm/v3@$helm_version (about 3 minutes on two cores the first time)"
  t0=$(date +%s)
  mkdir -p "$helm_dir/bin.tmp"
  (cd "$cache" && within_deadline "the helm build" env GOBIN="$helm_dir/bin.tmp" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v3/cmd/helm@$helm_version")
  rm -rf "$helm_dir/bin"; mv "$helm_dir/bin.tmp" "$helm_dir/bin"
  say "helm: built $("$helm_dir/bin/helm" version --short) in $(( $(date +%s) - t0 )) s"
fi

# --- kube-apiserver, from ops/kubernetes/apiserver; the version is stamped as a release build
#     does (without it the server reports v0.0.0 and charts' kubeVersion checks see that).
if [ ! -x "$apiserver_dir/bin/kube-apiserver" ]; then
  minor=${k8s_version#v1.}; minor=${minor%%.*}
  say "kube-apiserver: building $k8s_version (about 5 minutes on two idle cores the first time, longer on a busy machine)"
  t0=$(date +%s)
  mkdir -p "$apiserver_dir/bin"
  (cd ops/kubernetes/apiserver && within_deadline "the kube-apiserver build" env CGO_ENABLED=0 go build -mod=readonly -trimpath \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
    -o "$apiserver_dir/bin/kube-apiserver.tmp" .)
  mv "$apiserver_dir/bin/kube-apiserver.tmp" "$apiserver_dir/bin/kube-apiserver"
  say "kube-apiserver: built $("$apiserver_dir/bin/kube-apiserver" --version) in $(( $(date +%s) - t0 )) s"
fi
printf '{ "kubeApiserver": "%s", "helm": "%s", "etcd": "%s" }\n' "$apiserver_dir/bin/kube-apiserver" "$helm_dir/bin/helm" "$(command -v etcd)" > "$cache/tools.json"
say "tools: kube-apiserver $k8s_version, helm $helm_version, $(etcd --version 2>/dev/null | head -n1) (listed in $cache/tools.json)"
