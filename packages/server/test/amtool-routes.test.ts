// `amtool config routes` and `amtool config routes test` against Argus, with the real amtool 0.25: amtool reads
// the routing tree from /api/v2/status (config.original, secrets shown as <secret>; URLs as http://<secret>/, which amtool parses) and routes label sets itself.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWithBinary, findBinary } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SECRETS, type TestServer, testServer } from './helpers.js';

const run = promisify(execFile);
const YAML = `route:
  receiver: ops
  group_by: [alertname]
  routes:
    - receiver: db
      matchers: ['team="db"']
      routes:
        - receiver: db-pager
          matchers: ['severity="critical"']
    - receiver: web
      matchers: ['team=~"web|api"']
      continue: true
    - receiver: audit
      matchers: ['team="api"']
receivers:
  - name: ops
  - name: db
    webhook_configs:
      - url: ${SECRETS.webhook}
  - name: db-pager
  - name: web
  - name: audit
`;

let s: TestServer;
let url: string;
let dir: string;

beforeAll(async () => {
  s = await testServer({ alertmanagerYaml: YAML, receivers: ['ops', 'db', 'db-pager', 'web', 'audit'] });
  url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'argus-amtool-routes-'));
  writeFileSync(
    join(dir, 'viewer.yml'),
    `authorization:\n  type: Bearer\n  credentials: ${s.tokens.viewer}\n`,
  );
});
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function routes(...args: string[]): Promise<{ code: number; out: string }> {
  const argv = [
    `--alertmanager.url=${url}`,
    `--http.config.file=${join(dir, 'viewer.yml')}`,
    'config',
    'routes',
  ];
  try {
    const { stdout } = await run(findBinary('amtool')!, [...argv, ...args], { timeout: 20_000 });
    return { code: 0, out: stdout.trim() };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() };
  }
}

describeWithBinary(
  [{ bin: 'amtool', pkg: 'prometheus-alertmanager' }],
  'amtool 0.25 config routes against Argus',
  () => {
    it('routes label sets through the tree Argus serves', async () => {
      expect(await routes('test', 'team=db')).toEqual({ code: 0, out: 'db' });
      expect(await routes('test', 'team=db', 'severity=critical')).toEqual({ code: 0, out: 'db-pager' });
      expect(await routes('test', 'team=api')).toEqual({ code: 0, out: 'web,audit' });
      expect(await routes('test', 'team=other')).toEqual({ code: 0, out: 'ops' });
    });

    it('verifies the expected receivers (exit 1 on a mismatch) and shows the tree', async () => {
      expect((await routes('test', '--verify.receivers=db', 'team=db')).code).toBe(0);
      const wrong = await routes('test', '--verify.receivers=ops', 'team=db');
      expect(wrong.code).toBe(1);
      expect(wrong.out).toContain('WARNING: Expected receivers did not match resolved receivers');
      const tree = await routes('show');
      expect(tree.out).toContain('{team="db"}  receiver: db');
      expect(tree.out).toContain('{severity="critical"}  receiver: db-pager');
    });
  },
);
