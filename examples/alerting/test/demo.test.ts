import { expect, it } from 'vitest';
import { runDemo } from '../run.js';

it('groups three hosts into one message, honours the silence, and the ack stops repeats', async () => {
  const lines: string[] = [];
  const got = await runDemo((l) => lines.push(l));
  expect(got[0]!.text).toBe('[FIRING:3] HighCPU');
  expect(got[0]!.lines).toHaveLength(3);
  // after the silence (1.5 s) and web-2's recovery (2 s): web-1 firing, web-2 resolved, web-3 silenced
  const second = got[1]!;
  expect(second.lines.join('\n')).toMatch(/web-1/);
  expect(second.lines.join('\n')).toMatch(/web-2/);
  expect(second.lines.join('\n')).not.toMatch(/web-3/);
  // the ack at 3.2 s stops the repeat (2 s) that would otherwise follow
  expect(got.filter((m) => m.at > 3400)).toEqual([]);
  expect(lines.some((l) => l.includes('acked web-1 demo: looking into it'))).toBe(true);
});
