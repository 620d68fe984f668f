// Debian's chromium for the browser tests: where it is, the flags it runs with, and CI's rule that a missing one fails.
import { existsSync } from 'node:fs';
import type { Locator } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
// flags checked on Debian's chromium 156 (no sandbox as root, no network beyond loopback)
export const FLAGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether chromium is here; throws under CI=true when it is not (CI installs it), warns otherwise. */
export function haveChromium(what: string): boolean {
  const have = existsSync(CHROMIUM);
  if (!have && process.env.CI === 'true')
    throw new Error(
      `${CHROMIUM} is missing: CI needs it (scripts/ensure-binaries.mjs installs Debian's chromium)`,
    );
  if (!have) console.warn(`${what} skipped: no ${CHROMIUM} (apt-get install chromium)`);
  return have;
}

/**
 * How much of a canvas column is the plot's firing shade (red at low alpha, as `plot.tsx` fills it): the most, of five
 * columns across each rectangle the chart says it shaded (`data-shade-px`), and in one column 15 px left of the first, outside every
 * span. Read from the canvas's pixels, so it fails when nothing was drawn there whatever the attribute says.
 */
export async function shadeShares(chart: Locator): Promise<{ inside: number[]; outside: number }> {
  return chart.evaluate((el) => {
    const canvas = el.querySelector('canvas')!;
    const ctx = canvas.getContext('2d')!;
    const rects = (el.getAttribute('data-shade-px') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((r) => r.split('-').map(Number) as [number, number]);
    const share = (x: number): number => {
      const px = ctx.getImageData(Math.round(x), 0, 1, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
        if (a > 15 && a < 200 && r > g + 60 && r > b + 60) n++;
      }
      return n / canvas.height;
    };
    const left = (rects[0]?.[0] ?? 0) - 15;
    const inRect = rects.some(([x0, x1]) => left >= x0 && left <= x1);
    return {
      // five columns across each rectangle, the best of them: one may sit on a grid line, which greys the shade
      inside: rects.map(([x0, x1]) =>
        Math.max(...[1, 2, 3, 4, 5].map((k) => share(x0 + ((x1 - x0) * k) / 6))),
      ),
      outside: left > 0 && !inRect ? share(left) : -1,
    };
  });
}
