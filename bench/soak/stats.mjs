// The soak's arithmetic: a least-squares slope, and spike → first notification latencies.

/** Least-squares slope of y over x for `[x, y]` points (0 with fewer than two). */
export function fitSlope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * For each spike, the delay to the first `firing` notification of `alertname` for its series that arrived after
 * it (and before the next spike of the same series). Spikes without one count as missed; the last spikes of a
 * run may not have had time to be notified, so `missed` includes them.
 */
export function latencies(spikes, arrivals, alertname) {
  const firing = arrivals.filter((a) => a.alertname === alertname && a.status === 'firing');
  const ms = [];
  let missed = 0;
  for (const spike of spikes) {
    const next = spikes.find((o) => o.s === spike.s && o.at > spike.at)?.at ?? Number.POSITIVE_INFINITY;
    const hit = firing.find((a) => a.s === spike.s && a.at >= spike.at && a.at < next);
    if (hit) ms.push(hit.at - spike.at);
    else missed++;
  }
  ms.sort((a, b) => a - b);
  const q = (p) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] : null);
  return {
    spikes: spikes.length,
    notified: ms.length,
    missed,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: ms.at(-1) ?? null,
  };
}
