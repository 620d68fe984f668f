import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@argus/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { parseListen } from '../src/promql-commands.js';
import { captureIo } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-cli-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('argus import openmetrics', () => {
  it('imports a file into --data-dir and says how much', async () => {
    const file = join(dir, 'a.om');
    writeFileSync(file, 'up{job="a"} 1 1700000015\nup{job="a"} 0 1700000000\n# EOF\n');
    const io = captureIo();
    io.tty = true;
    const data = join(dir, 'data');
    expect(await main(['import', 'openmetrics', file, '--data-dir', data], io)).toBe(0);
    expect(io.out).toMatch(/^argus: imported 2 samples of 1 series into .*data in \d+\.\ds\n$/);
    expect(io.err).toContain('100%');
    const store = createStore({ dataDir: data });
    await store.open();
    expect(Array.from(store.samples({ __name__: 'up', job: 'a' }, 0, 2e12).values)).toEqual([0, 1]);
    await store.close();
  });

  it('fails with the file and line, exit code 1', async () => {
    const file = join(dir, 'bad.om');
    writeFileSync(file, 'up 1 1\nup{job="a" 2 2\n# EOF\n');
    const io = captureIo();
    expect(await main(['import', 'openmetrics', file, '--data-dir', join(dir, 'data')], io)).toBe(1);
    expect(io.err).toBe(`argus: ${file}:2: expected "," or "}" after the value of label job\n`);
  });

  it.each([
    [['import', 'openmetrics', 'x.om']],
    [['import', 'csv', 'x.om', '--data-dir', 'd']],
    [['import', 'openmetrics', '--data-dir', 'd']],
    [['serve']],
    [['serve', 'x', '--data-dir', 'd']],
  ])('exits 2 on bad usage: %j', async (argv) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9090', { host: '127.0.0.1', port: 9090 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['[::1]:9090', { host: '::1', port: 9090 }],
    ['9091', { host: '127.0.0.1', port: 9091 }],
    [':9091', { host: '127.0.0.1', port: 9091 }],
  ])('%s', (raw, want) => expect(parseListen(raw)).toEqual(want));

  it('names the flag and an example on bad input', () => {
    expect(() => parseListen('localhost')).toThrow(/--listen must be host:port \(e\.g\. 127\.0\.0\.1:9090/);
  });
});
