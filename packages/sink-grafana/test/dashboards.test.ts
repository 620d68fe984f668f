import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildDashboards,
  checkDashboard,
  type DashboardModel,
  provisioningFiles,
  pushDashboards,
} from '../src/index.js';
import { type FakeGrafana, startFakeGrafana } from './grafana-api/fake-grafana.js';
import { dashboardModel, dashboardProviders, datasourceProvisioning } from './grafana-api/schemas.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validDashboard = ajv.compile(dashboardModel);
const groups = [
  { name: 'API servers', matchers: 'job="api"' },
  { name: 'db', matchers: 'job="db"' },
];

type Panel = { type: string; title?: string; targets?: { expr?: string; refId: string }[]; repeat?: string };
const panels = (d: DashboardModel): Panel[] => (d.panels ?? []) as Panel[];

describe('buildDashboards', () => {
  const dashboards = buildDashboards({ groups });

  it('makes an overview and one dashboard per group, each valid against the dashboard schema and checks', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['argus-pipeline', 'argus-api-servers', 'argus-db']);
    for (const d of dashboards) {
      expect(validDashboard(d), ajv.errorsText(validDashboard.errors)).toBe(true);
      expect(checkDashboard(d)).toEqual([]);
    }
  });

  it("a group's dashboard has the series with the expected band, the score, an alerts table, health and annotations", () => {
    const api = dashboards[1]!;
    const series = panels(api).find((p) => p.repeat === 'metric')!;
    expect(series.targets!.map((t) => t.expr)).toEqual([
      '{__name__="$metric", job="api"}',
      'argus_expected_lower{job="api", metric_name="$metric"}',
      'argus_expected_upper{job="api", metric_name="$metric"}',
    ]);
    expect(panels(api).find((p) => p.type === 'table')!.targets![0]!.expr).toBe('ALERTS{job="api"}');
    const exprs = panels(api)
      .flatMap((p) => p.targets ?? [])
      .map((t) => t.expr);
    expect(exprs).toContain('max by (metric_name, detector) (argus_anomaly_score{job="api"})');
    expect(exprs).toContain('sum by (plugin) (rate(argus_plugin_errors_total[5m]))');
    const ann = (api.annotations?.list ?? []) as {
      datasource: { uid: string };
      target?: { tags?: string[] };
    }[];
    expect(ann.map((a) => [a.datasource.uid, a.target?.tags])).toEqual([['-- Grafana --', ['argus']]]);
  });

  it('refuses two groups that give the same uid', () => {
    expect(() => buildDashboards({ groups: [{ name: 'a b' }, { name: 'a-b' }] })).toThrow(/uid "argus-a-b"/);
  });

  it('checkDashboard reports what Grafana would refuse', () => {
    const d = dashboards[1]!;
    const broken = {
      ...d,
      uid: 'x'.repeat(41),
      panels: [
        { ...panels(d)[1]!, id: 1, gridPos: { x: 20, y: 0, w: 12, h: 8 } },
        { type: 'stat', id: 1 },
      ],
    };
    expect(checkDashboard(broken as DashboardModel)).toEqual([
      expect.stringMatching(/uid must be/),
      expect.stringMatching(/wider than 24 columns/),
      expect.stringMatching(/id 1 is used twice/),
      expect.stringMatching(/gridPos is incomplete/),
    ]);
    expect(validDashboard(broken)).toBe(false);
  });
});

describe('provisioningFiles', () => {
  it('writes raw models, a dashboard provider and the data source, each passing its schema', () => {
    const files = provisioningFiles(buildDashboards({ groups }), {
      datasource: { uid: 'argus', name: 'Argus', url: 'http://argus:9090' },
    });
    expect(files.map((f) => f.path)).toEqual([
      'dashboards/argus-pipeline.json',
      'dashboards/argus-api-servers.json',
      'dashboards/argus-db.json',
      'provisioning/dashboards/argus.yaml',
      'provisioning/datasources/argus.yaml',
    ]);
    const model = JSON.parse(files[1]!.content);
    expect(model.id).toBeUndefined();
    expect(validDashboard(model)).toBe(true);
    const providers = ajv.compile(dashboardProviders);
    expect(providers(parse(files[3]!.content)), ajv.errorsText(providers.errors)).toBe(true);
    const ds = ajv.compile(datasourceProvisioning);
    const parsed = parse(files[4]!.content);
    expect(ds(parsed), ajv.errorsText(ds.errors)).toBe(true);
    expect(parsed.datasources[0]).toMatchObject({
      uid: 'argus',
      type: 'prometheus',
      url: 'http://argus:9090',
    });
  });
});

describe('pushDashboards', () => {
  const TOKEN = 'glsa_push';
  let g: FakeGrafana;
  beforeEach(async () => {
    g = await startFakeGrafana({ token: TOKEN });
  });
  afterEach(async () => {
    expect(g.violations).toEqual([]);
    await g.close();
  });

  it('creates the folder, saves new dashboards, reports 412 conflicts, and replaces only with overwrite', async () => {
    const ds = buildDashboards({ groups });
    const first = await pushDashboards(ds, { url: g.url, token: TOKEN });
    expect(first.map((r) => [r.uid, r.status, r.version])).toEqual([
      ['argus-pipeline', 'saved', 1],
      ['argus-api-servers', 'saved', 1],
      ['argus-db', 'saved', 1],
    ]);
    expect([...g.folders.keys()]).toEqual(['argus']);
    expect(g.dashboards.get('argus-db')!.folderUid).toBe('argus');
    const again = await pushDashboards(ds, { url: g.url, token: TOKEN });
    expect(again.map((r) => r.status)).toEqual(['conflict', 'conflict', 'conflict']);
    expect(again[0]!.message).toMatch(/412.*overwrite: true/);
    expect(g.dashboards.get('argus-db')!.model.version).toBe(1);
    const forced = await pushDashboards(ds, { url: g.url, token: TOKEN, overwrite: true });
    expect(forced.map((r) => [r.status, r.version])).toEqual([
      ['saved', 2],
      ['saved', 2],
      ['saved', 2],
    ]);
    expect(g.requests.filter((r) => r === 'POST /api/folders')).toHaveLength(1);
  });

  it('throws a clear error for a bad token, without the token', async () => {
    const err = await pushDashboards(buildDashboards({ groups }), { url: g.url, token: 'glsa_bad' }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(/401.*service-account token/);
    expect((err as Error).message).not.toContain('glsa_bad');
  });
});
