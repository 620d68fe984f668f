import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-check-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('argus check config', () => {
  it('exits 0 for a valid alertmanager.yml', async () => {
    const path = file('good.yml', 'route:\n  receiver: r\nreceivers:\n  - name: r\n');
    const io = captureIo();
    expect(await main(['check', 'config', path], io)).toBe(0);
    expect(io.out).toContain(`${path}: SUCCESS`);
  });

  it('exits 1 with one line per problem, each with file, line and column', async () => {
    const path = file(
      'bad.yml',
      "route:\n  receiver: r\n  group_wiat: 30s\nreceivers:\n  - name: r\n    webhook_configs: [{ url: 'ftp://x/' }]\n",
    );
    const io = captureIo();
    expect(await main(['check', 'config', path], io)).toBe(1);
    const lines = io.err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^${path}:3:3: unknown field "group_wiat".*did you mean "group_wait"`),
    );
    expect(lines[1]).toMatch(new RegExp(`^${path}:6:\\d+: .*unsupported scheme "ftp"`));
  });

  it('exits 2 without a file', async () => {
    const io = captureIo();
    expect(await main(['check', 'config'], io)).toBe(2);
  });
});
