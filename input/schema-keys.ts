/**
 * Walks a zod schema along a data path to list the keys the object there accepts, so an
 * unknown-key message can say what is allowed (config files and catalog files alike).
 */
export function allowedKeysAt(schema: unknown, p: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      if (!def) return s;
      if (def.type === "pipe") s = def.in;
      else if (["default", "prefault", "optional", "nullable", "readonly", "catch"].includes(def.type as string)) s = def.innerType;
      else return s;
    }
    return s;
  };
  for (const key of p) {
    node = unwrap(node);
    const def = (node as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
    if (!def) return [];
    if (def.type === "object") node = (def.shape as Record<string, unknown>)[key as string];
    else if (def.type === "array") node = def.element;
    else if (def.type === "record") node = def.valueType;
    else return [];
    if (!node) return [];
  }
  const def = (unwrap(node) as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
  return def?.type === "object" ? Object.keys(def.shape as object) : [];
}
