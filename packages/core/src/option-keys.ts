/**
 * The field names a schema accepts at `path` (for "did you mean" hints and lists of allowed fields). Reads zod 4's
 * schema definition; for other Standard Schema validators, whose internals differ, it returns undefined and
 * messages simply go without the hint.
 */
export function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let nodes = [schema];
  for (const key of path) nodes = nodes.flatMap((n) => childSchemas(n, key));
  const keys = new Set<string>();
  for (const n of nodes.flatMap(unwrap)) {
    const shape = def(n)?.['shape'];
    if (typeof shape === 'object' && shape !== null) for (const k of Object.keys(shape)) keys.add(k);
  }
  return keys.size > 0 ? [...keys] : undefined;
}

type Def = Record<string, unknown>;

function def(schema: unknown): Def | undefined {
  const zod = (schema as { _zod?: { def?: Def } } | null | undefined)?._zod;
  return zod?.def;
}

// wrappers that do not change which fields an object has
const INNER: Record<string, string> = {
  optional: 'innerType',
  nullable: 'innerType',
  default: 'innerType',
  prefault: 'innerType',
  readonly: 'innerType',
  catch: 'innerType',
  nonoptional: 'innerType',
  pipe: 'in',
};

function unwrap(schema: unknown, depth = 0): unknown[] {
  const d = def(schema);
  if (!d || depth > 20) return [];
  const type = d['type'] as string;
  const inner = INNER[type];
  if (inner) return unwrap(d[inner], depth + 1);
  if (type === 'lazy' && typeof d['getter'] === 'function')
    return unwrap((d['getter'] as () => unknown)(), depth + 1);
  if (type === 'union') return (d['options'] as unknown[]).flatMap((o) => unwrap(o, depth + 1));
  if (type === 'intersection') return [...unwrap(d['left'], depth + 1), ...unwrap(d['right'], depth + 1)];
  return [schema];
}

function childSchemas(schema: unknown, key: PropertyKey): unknown[] {
  return unwrap(schema).flatMap((n) => {
    const d = def(n)!;
    if (d['type'] === 'object') {
      const child = (d['shape'] as Record<PropertyKey, unknown>)[key];
      return child === undefined ? [] : [child];
    }
    if (d['type'] === 'array' && typeof key === 'number') return [d['element']];
    if (d['type'] === 'record') return [d['valueType']];
    return [];
  });
}
