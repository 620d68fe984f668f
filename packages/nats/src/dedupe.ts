import type { StateStore } from '@argus/core';

const PREFIX = 'seen/';
// zero-padded so the store's sorted `list` returns the oldest first
const key = (seq: number): string => `${PREFIX}${String(seq).padStart(16, '0')}`;

/**
 * The stream sequence numbers of the batches this consumer has processed, kept in the pipeline's state store so a
 * restarted process still knows them: a batch redelivered because its ack was lost (the process died after
 * processing it, or nats-server restarted) is acknowledged and skipped. Bounded to the newest `window` entries.
 */
export interface SeenSet {
  has(seq: number): boolean;
  add(seq: number): Promise<void>;
}

export async function loadSeen(state: StateStore, window: number): Promise<SeenSet> {
  const order = (await state.list(PREFIX)).map((k) => Number(k.slice(PREFIX.length)));
  const seen = new Set(order);
  return {
    has: (seq) => seen.has(seq),
    async add(seq) {
      if (window === 0 || seen.has(seq)) return;
      await state.put(key(seq), 1);
      seen.add(seq);
      order.push(seq);
      while (order.length > window) {
        const old = order.shift()!;
        seen.delete(old);
        await state.delete(key(old));
      }
    },
  };
}
