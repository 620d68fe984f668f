import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('argus grafana export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-grafana-export-'));
  let api: Server;
  let url = '';
  const asked: string[] = [];
  beforeAll(async () => {
    // a Prometheus-compatible label values endpoint, as `argus serve` answers it
    api = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: ['api', 'db'] }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  });
  afterAll(() => {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one dashboard per job found with --from, the provider and the data source', async () => {
    const io = captureIo();
    const code = await main(
      ['grafana', 'export', '--out', dir, '--from', url, '--datasource-url', 'http://argus:9090'],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(asked).toEqual(['/api/v1/label/job/values']);
    expect(readdirSync(join(dir, 'dashboards')).sort()).toEqual([
      'argus-api.json',
      'argus-db.json',
      'argus-pipeline.json',
    ]);
    const db = JSON.parse(readFileSync(join(dir, 'dashboards', 'argus-db.json'), 'utf8'));
    expect(JSON.stringify(db.panels)).toContain('ALERTS{job=\\"db\\"}');
    const ds = parse(readFileSync(join(dir, 'provisioning', 'datasources', 'argus.yaml'), 'utf8'));
    expect(ds.datasources[0]).toMatchObject({ uid: 'argus', url: 'http://argus:9090' });
  });

  it('writes the alerting rules of --rules files as Grafana-managed alert rules', async () => {
    const rules = join(dir, 'rules.yml');
    writeFileSync(
      rules,
      'groups:\n  - name: api\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n' +
        '      - alert: ApiDown\n        expr: up{job="api"} == 0\n        for: 5m\n',
    );
    const out = join(dir, 'with-rules');
    const io = captureIo();
    expect(await main(['grafana', 'export', '--out', out, '--rules', rules], io)).toBe(0);
    expect(io.err).toBe(
      'argus: grafana: skipped api/job:up:sum: ' +
        'recording rule: Grafana-managed recording rules need a target data source; keep it in Argus\n',
    );
    const file = JSON.parse(readFileSync(join(out, 'provisioning', 'alerting', 'argus-rules.json'), 'utf8'));
    expect(file).toMatchObject({
      apiVersion: 1,
      groups: [{ name: 'api', folder: 'Argus', interval: '60s' }],
    });
    expect(file.groups[0].rules).toMatchObject([{ title: 'ApiDown', for: '300s', condition: 'C' }]);
    // the rules query the data source the export provisions
    expect(file.groups[0].rules[0].data[0]).toMatchObject({
      datasourceUid: 'argus',
      model: { expr: 'up{job="api"} == 0' },
    });
  });

  it('needs --out, and push needs a URL and GRAFANA_TOKEN', async () => {
    const io = captureIo();
    expect(await main(['grafana', 'export'], io)).toBe(2);
    expect(io.err).toMatch(/--out <dir>/);
    const push = captureIo();
    const saved = process.env['GRAFANA_TOKEN'];
    delete process.env['GRAFANA_TOKEN'];
    expect(await main(['grafana', 'push', '--grafana-url', 'http://127.0.0.1:1'], push)).toBe(2);
    if (saved !== undefined) process.env['GRAFANA_TOKEN'] = saved;
    expect(push.err).toMatch(/GRAFANA_TOKEN/);
  });
});
