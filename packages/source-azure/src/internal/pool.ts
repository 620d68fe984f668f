import { parseResourceId } from './azure.js';

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Groups ids by subscription (the batch API reads it from the first id), then into chunks of `size`. */
export function chunks(ids: readonly string[], size: number): string[][] {
  const bySub = new Map<string, string[]>();
  for (const id of ids) {
    const sub = parseResourceId(id)?.subscriptionId.toLowerCase() ?? '';
    bySub.set(sub, [...(bySub.get(sub) ?? []), id]);
  }
  const out: string[][] = [];
  for (const group of bySub.values())
    for (let i = 0; i < group.length; i += size) out.push(group.slice(i, i + size));
  return out;
}
