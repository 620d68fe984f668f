// Rates from the per-plugin counters the server's /api/plugins reports, between two polls.
import type { PluginStats } from '@argus/core';

export type { PluginStats };

/** Items received per second by each plugin between two snapshots `seconds` apart (0 after a counter reset). */
export function throughput(
  before: Record<string, PluginStats>,
  after: Record<string, PluginStats>,
  seconds: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(after)) {
    const b = before[name];
    if (!b || seconds <= 0) continue;
    const d = s.received - b.received;
    out[name] = d < 0 ? 0 : d / seconds;
  }
  return out;
}
