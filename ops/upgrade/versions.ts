/** Kubernetes minors as EKS names them ("1.32"); a kubelet reports "v1.32.9-eks-…". */
export interface Minor {
  readonly major: number;
  readonly minor: number;
}

export function parseMinor(text: string): Minor {
  const m = /^v?(\d+)\.(\d+)(?:\.|-|$)/.exec(text.trim());
  if (m === null) throw new Error(`"${text}" is not a Kubernetes version (expected 1.N or v1.N.P)`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function formatMinor(v: Minor): string {
  return `${v.major}.${v.minor}`;
}

/** The minor a kubelet version string belongs to, as "1.N". */
export function minorString(text: string): string {
  return formatMinor(parseMinor(text));
}

/**
 * Every minor from `from` to `to`, both included. EKS moves the control plane one minor
 * per UpdateClusterVersion and refuses a skip
 * (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html, read 2026-12-02).
 */
export function upgradePath(from: string, to: string): string[] {
  const a = parseMinor(from);
  const b = parseMinor(to);
  if (a.major !== b.major) throw new Error(`cannot move from ${from} to ${to}: different major versions`);
  const path: string[] = [];
  for (let n = a.minor; n <= b.minor; n++) path.push(formatMinor({ major: a.major, minor: n }));
  return path;
}
