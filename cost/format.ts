/** Number formatting shared by the report, the notes and the charts. */

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `$0.1234` */
export function money(value: number, digits = 2): string {
  return `$${value.toFixed(digits)}`;
}
