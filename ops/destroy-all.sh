#!/usr/bin/env bash
# Destroys every platform stack, one at a time, in reverse dependency order
# (observability → workloads → mesh → cluster → network, read from cdktf's manifest), after
# removing the Kubernetes objects that would otherwise block it:
#   1. Ingresses and LoadBalancer Services: the AWS Load Balancer Controller made
#      ALBs/NLBs, target groups and ENIs for them that Terraform does not know;
#      left alone they keep the subnets and the VPC from being deleted.
#   2. App Mesh custom resources, while the App Mesh controller still runs: their
#      finalizers hang forever once it is gone (app-mesh-controller #144, #360).
#
#   ops/destroy-all.sh [--auto-approve] [--kube-context CONTEXT] [--vpc-id VPC_ID] [--skip-k8s-cleanup]
#
# The Kubernetes steps run only with --kube-context (or KUBE_CONTEXT) naming a
# context that answers; a script must not guess which cluster to delete from.
# Otherwise it prints the commands for you to run. docs/operations.md
# ("Tearing down") is the full guide, including the DynamoDB tables, which
# are protected on purpose and stop the workloads destroy until you decide.
set -euo pipefail
# cdktf-cli without telemetry or its npm version check: neither does any work for the deploy.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1

# Namespaced App Mesh kinds, referrers before what they refer to; meshes (cluster-scoped) go last.
APPMESH_KINDS="gatewayroutes virtualgateways virtualservices virtualrouters virtualnodes backendgroups"
WAIT_TIMEOUT=15m

usage() {
  echo "usage: ops/destroy-all.sh [--auto-approve] [--kube-context CONTEXT] [--vpc-id VPC_ID] [--skip-k8s-cleanup]"
}

approve=()
context="${KUBE_CONTEXT:-}"
vpc_id=""
skip_cleanup=false
while [ $# -gt 0 ]; do
  case "$1" in
    --auto-approve) approve=(--auto-approve) ;;
    --kube-context)
      context="${2:?--kube-context needs a value}"
      shift
      ;;
    --vpc-id)
      vpc_id="${2:?--vpc-id needs a value}"
      shift
      ;;
    --skip-k8s-cleanup) skip_cleanup=true ;;
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

print_cleanup_commands() {
  local ctx="${context:-<your-context>}"
  cat <<EOF
Run these against the cluster before destroying (docs/operations.md, "Tearing down"):

  # 1. Ingresses and LoadBalancer Services; wait until they are gone (their ALBs/NLBs, target groups and ENIs go with them)
  kubectl --context $ctx delete ingress --all --all-namespaces
  kubectl --context $ctx get services --all-namespaces -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}{" "}{.metadata.name}{"\n"}{end}' |
    while read -r ns name; do kubectl --context $ctx delete service -n "\$ns" "\$name"; done

  # 2. App Mesh objects, in this order, while the App Mesh controller still runs
EOF
  for kind in $APPMESH_KINDS; do
    echo "  kubectl --context $ctx delete $kind.appmesh.k8s.aws --all --all-namespaces"
  done
  echo "  kubectl --context $ctx delete meshes.appmesh.k8s.aws --all"
  echo
}

k() {
  kubectl --context "$context" "$@"
}

# "namespace/name" of every object of a kind; empty when there are none.
objects_of() {
  k get "$@" --all-namespaces -o jsonpath='{range .items[*]}{.metadata.namespace}{"/"}{.metadata.name}{"\n"}{end}'
}

delete_and_wait() {
  local kind="$1" objects="$2" obj
  for obj in $objects; do
    k delete "$kind" -n "${obj%%/*}" "${obj#*/}" --wait=false
  done
  for obj in $objects; do
    # The controller removes its finalizer only once the AWS load balancer and target groups are gone.
    k wait --for=delete "$kind" -n "${obj%%/*}" "${obj#*/}" --timeout="$WAIT_TIMEOUT"
  done
}

wait_for_load_balancer_enis() {
  if ! command -v aws > /dev/null; then
    echo "aws CLI not found; check that no load balancer ENI is left in $vpc_id before destroying network:"
    echo "  aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=$vpc_id 'Name=description,Values=ELB app/*,ELB net/*'"
    return 0
  fi
  local left
  for _ in $(seq 1 60); do
    left=$(aws ec2 describe-network-interfaces \
      --filters "Name=vpc-id,Values=$vpc_id" "Name=description,Values=ELB app/*,ELB net/*" \
      --query 'length(NetworkInterfaces)' --output text)
    if [ "$left" = "0" ]; then
      return 0
    fi
    echo "   $left load balancer network interface(s) still in $vpc_id; waiting"
    sleep 10
  done
  echo "load balancer network interfaces are still in $vpc_id after 10 minutes; see docs/operations.md" >&2
  return 1
}

clean_up_kubernetes() {
  echo "==> deleting Ingresses (the AWS Load Balancer Controller deletes their ALBs and target groups)"
  delete_and_wait ingress "$(objects_of ingress)"

  echo "==> deleting Services of type LoadBalancer"
  local lbs
  lbs=$(k get services --all-namespaces \
    -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}{"/"}{.metadata.name}{"\n"}{end}')
  delete_and_wait service "$lbs"

  if k get crd meshes.appmesh.k8s.aws > /dev/null 2>&1; then
    local kind
    for kind in $APPMESH_KINDS; do
      echo "==> deleting App Mesh $kind"
      k delete "$kind.appmesh.k8s.aws" --all --all-namespaces --timeout="$WAIT_TIMEOUT"
    done
    echo "==> deleting App Mesh meshes"
    k delete meshes.appmesh.k8s.aws --all --timeout="$WAIT_TIMEOUT"
  else
    echo "==> no App Mesh CRDs on the cluster; nothing to delete"
  fi

  if [ -n "$vpc_id" ]; then
    echo "==> waiting for load balancer network interfaces to leave $vpc_id"
    wait_for_load_balancer_enis
  fi
}

cd "$(dirname "$0")/.."
echo "environment: ${PLATFORM_ENV:-(default of main.ts)}"

if [ "$skip_cleanup" = true ]; then
  echo "==> skipping the Kubernetes clean-up (--skip-k8s-cleanup)"
elif [ -n "$context" ] && command -v kubectl > /dev/null &&
  kubectl --context "$context" get --raw=/readyz --request-timeout=10s > /dev/null 2>&1; then
  echo "==> cluster reachable through context $context"
  clean_up_kubernetes
else
  echo "==> the cluster is not reachable from here (no --kube-context, no kubectl, or it does not answer)."
  print_cleanup_commands
  if [ ${#approve[@]} -eq 0 ]; then
    # No answer (no terminal, end of input) counts as no.
    read -r -p "Have you run them, or is the cluster already gone? Continue with the destroy? [y/N] " answer || answer=""
    case "$answer" in
      y | Y | yes) ;;
      *)
        echo "stopped; nothing was destroyed."
        exit 1
        ;;
    esac
  fi
fi

npx cdktf synth
stacks=$(npx tsx ops/stack-order.ts cdktf.out/manifest.json --reverse)

for stack in $stacks; do
  echo
  echo "==> destroying $stack"
  if grep -qs '"aws_eks_fargate_profile"' "cdktf.out/stacks/$stack/cdk.tf.json"; then
    echo "    This stack has Fargate profiles. AWS deletes them one at a time, several minutes each:"
    echo "    do not interrupt, or the state stays locked (see 'terraform force-unlock' in docs/operations.md)."
  fi
  if ! npx cdktf destroy "$stack" --skip-synth --ignore-missing-stack-dependencies ${approve[@]+"${approve[@]}"}; then
    cat >&2 << EOF

destroy of $stack failed; the stacks it depends on were not touched.
If Terraform said "Instance cannot be destroyed" (prevent_destroy), it is a DynamoDB
table or KMS key kept on purpose: follow "Stateful resources" in docs/operations.md,
then re-run this script.
EOF
    exit 1
  fi
done

echo
echo "destroyed: $(echo "$stacks" | tr '\n' ' ')"
echo "The state bucket (bootstrap) is still there, on purpose: see docs/operations.md to remove it."
