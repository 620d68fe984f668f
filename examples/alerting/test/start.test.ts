// Smoke test of the README's command: the demo runs to its end by itself and prints what the README promises.
import { expect, it } from 'vitest';
import { runExample } from '../../../test/support/example-smoke.js';

const here = new URL('..', import.meta.url).pathname;

it('`pnpm --filter example-alerting start` shows the grouped message, the silence, the ack and the history', async () => {
  const r = await runExample(here, {}, 60_000);
  expect(r, r.output).toMatchObject({ code: 0, signal: null, hung: false });
  expect(r.output).toMatch(/\[slack \+\d+\.\ds\] \[FIRING:3\] HighCPU/);
  expect(r.output).toMatch(/\[demo\] silencing web-3/);
  expect(r.output).toMatch(/\[demo\] acknowledging web-1/);
  expect(r.output).toMatch(/\[history \+\d+\.\ds\] acked web-1 demo: looking into it/);
  expect(r.stderr).not.toMatch(/error|warn|ELIFECYCLE/i);
});
