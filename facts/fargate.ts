/** Amazon EKS and ECS on Fargate: the sizes a pod or task can have, the quotas on profiles, and the logging ConfigMap Fargate reads. */

/** Memory Fargate adds to every pod for its Kubernetes components. */
export const FARGATE_COMPONENTS_MIB = 256;

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to; value += step) out.push(value);
  return out;
}

/** Valid vCPU → memory (GiB) combinations, smallest first. */
export const FARGATE_TABLE: ReadonlyArray<{ readonly vcpu: number; readonly memoryGiB: readonly number[] }> = [
  { vcpu: 0.25, memoryGiB: [0.5, 1, 2] },
  { vcpu: 0.5, memoryGiB: range(1, 4, 1) },
  { vcpu: 1, memoryGiB: range(2, 8, 1) },
  { vcpu: 2, memoryGiB: range(4, 16, 1) },
  { vcpu: 4, memoryGiB: range(8, 30, 1) },
  { vcpu: 8, memoryGiB: range(16, 60, 4) },
  { vcpu: 16, memoryGiB: range(32, 120, 8) },
];

/**
 * EKS service quotas for Fargate profiles (defaults; AWS lists all three as adjustable, but
 * they are what a fresh account gets, so the platform refuses more rather than failing at
 * apply time). Source: Amazon EKS user guide, "Amazon EKS service quotas".
 */
export const FARGATE_LIMITS = {
  profilesPerCluster: 10,
  selectorsPerProfile: 5,
  labelsPerSelector: 5,
} as const;


/** Every namespace a Fargate profile selects, in profile-name then selector order, once each. */
export function fargateNamespaces(profiles: Readonly<Record<string, { readonly selectors: readonly { readonly namespace: string }[] }>>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(profiles).sort()) {
    for (const s of profiles[name].selectors) if (!out.includes(s.namespace)) out.push(s.namespace);
  }
  return out;
}

