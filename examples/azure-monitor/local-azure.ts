// A local stand-in for Azure Monitor (the suite's HTTPS fake of the documented REST contracts) with a VM and an
// App Service whose metrics carry one incident: a CPU spike with a burst of HTTP 5xx and slow responses.
import type { Clock } from '@argus/core';
import type { AzureDeps } from '@argus/source-azure';
import { startFakeAzure } from '../../packages/source-azure/test/fake/server.js';

const SUB = '00000000-0000-0000-0000-000000000000';
export const VM_ID = `/subscriptions/${SUB}/resourceGroups/shop/providers/Microsoft.Compute/virtualMachines/shop-vm`;
export const APP_ID = `/subscriptions/${SUB}/resourceGroups/shop/providers/Microsoft.Web/sites/shop-web`;

// an hour-long wave: the detectors' warm-up (150 minutes) sees its whole range, so only the incident is unusual
const wave = (ts: number, base: number, amp: number) =>
  base + amp * Math.sin(ts / 600_000) + ((ts / 60_000) % 7) * amp * 0.05;

export async function startLocalAzure(
  incidentAt: number,
): Promise<{ endpoint: string; deps: AzureDeps; close(): Promise<void> }> {
  const inIncident = (ts: number) => ts >= incidentAt && ts < incidentAt + 10 * 60_000;
  const fake = await startFakeAzure({
    resources: [
      {
        id: VM_ID,
        region: 'westeurope',
        metrics: {
          'Percentage CPU': { unit: 'Percent', value: (ts) => (inIncident(ts) ? 97 : wave(ts, 30, 5)) },
          'Available Memory Bytes': { unit: 'Bytes', value: (ts) => wave(ts, 4e9, 1e8) },
        },
      },
      {
        id: APP_ID,
        region: 'westeurope',
        metrics: {
          Http5xx: { unit: 'Count', value: (ts) => (inIncident(ts) ? 40 : (ts / 60_000) % 3 === 0 ? 1 : 0) },
          HttpResponseTime: { unit: 'Seconds', value: (ts) => (inIncident(ts) ? 4.5 : wave(ts, 0.2, 0.02)) },
        },
      },
    ],
  });
  const credential = {
    getToken: async () => ({ token: 'local', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  return {
    endpoint: fake.url,
    deps: { credential, clientOptions: { tlsOptions: { ca: fake.cert } } },
    close: fake.close,
  };
}

/**
 * A clock on the replay's data time: the alert manager's group_wait and group_interval then pass as the replayed
 * data does, not in the second the replay takes. `advance(to)` runs the timers due by `to`, each at its own time.
 */
export function replayClock(start: number): Clock & { advance(to: number): void } {
  let t = start;
  const timers = new Set<{ at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout(fn, ms) {
      const timer = { at: t + ms, fn };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (timer) => void timers.delete(timer as { at: number; fn: () => void }),
    advance(to) {
      for (;;) {
        const due = [...timers].filter((x) => x.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due);
        t = Math.max(t, due.at);
        due.fn();
      }
      t = to;
    },
  };
}
