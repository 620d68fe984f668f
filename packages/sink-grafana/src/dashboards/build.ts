import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** One dashboard's worth of series: a source, a job, a team. */
export interface DashboardGroup {
  /** Shown in the title and used for the uid. */
  readonly name: string;
  /** PromQL label matchers that pick the group's series, e.g. `job="api"`; empty for all. */
  readonly matchers?: string;
}

/** What {@link buildDashboards} makes dashboards of. */
export interface DashboardsInput {
  /** One dashboard per group, plus the pipeline overview. */
  readonly groups: readonly DashboardGroup[];
  /** The Prometheus-compatible data source: `argus serve` (/api/v1) or a Prometheus scraping Argus. @default { type: 'prometheus', uid: 'argus' } */
  readonly datasource?: { readonly type: string; readonly uid: string };
  /** Tags of the annotations the sink writes, shown on every dashboard. @default ['argus'] */
  readonly annotationTags?: readonly string[];
  /** Prefix of every dashboard uid. @default 'argus' */
  readonly uidPrefix?: string;
}

/** A dashboard model as Grafana stores it (the foundation SDK's type). */
export type DashboardModel = dashboard.Dashboard;

// Grafana refuses longer uids ("uid too long, max 40 characters")
const UID_MAX = 40;

/** `argus-<slug>`, at most 40 characters (Grafana's limit) and only the characters a uid may hold. */
export function dashboardUid(prefix: string, name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${slug || 'all'}`.slice(0, UID_MAX);
}

const sel = (g: DashboardGroup, extra = ''): string =>
  `{${[g.matchers ?? '', extra].filter((s) => s !== '').join(', ')}}`;

function query(
  ds: dashboard.DataSourceRef,
  refId: string,
  expr: string,
  legend: string,
): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(ds)
    .refId(refId)
    .expr(expr)
    .legendFormat(legend)
    .range();
}

function annotationTags(tags: readonly string[]): cog.Builder<dashboard.AnnotationQuery> {
  // the built-in Grafana source, filtered by the tags the sink writes (organisation annotations)
  const target = { build: () => ({ type: 'tags', tags: [...tags], matchAny: true, limit: 200 }) };
  return new dashboard.AnnotationQueryBuilder()
    .name('Argus alerts and anomalies')
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .iconColor('red')
    .target(target as unknown as cog.Builder<cog.Dataquery>);
}

function seriesPanel(ds: dashboard.DataSourceRef, g: DashboardGroup): timeseries.PanelBuilder {
  const m = 'metric_name="$metric"';
  return (
    new timeseries.PanelBuilder()
      .title('$metric: value and expected band')
      .repeat('metric')
      .repeatDirection('h')
      .maxPerRow(2)
      .height(8)
      .span(12)
      .withTarget(
        query(ds, 'A', `{__name__="$metric"${g.matchers ? `, ${g.matchers}` : ''}}`, '{{instance}}'),
      )
      .withTarget(query(ds, 'B', `argus_expected_lower${sel(g, m)}`, 'lower {{instance}}'))
      .withTarget(query(ds, 'C', `argus_expected_upper${sel(g, m)}`, 'upper {{instance}}'))
      // the band: B fills up to C, both drawn faint
      .overrideByQuery('B', [
        { id: 'custom.fillBelowTo', value: 'C' },
        { id: 'custom.lineWidth', value: 0 },
      ])
      .overrideByQuery('C', [{ id: 'custom.lineWidth', value: 0 }])
      .fillOpacity(10)
  );
}

function scorePanel(ds: dashboard.DataSourceRef, g: DashboardGroup): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title('Anomaly score')
    .height(8)
    .span(12)
    .min(0)
    .max(1)
    .withTarget(
      query(
        ds,
        'A',
        `max by (metric_name, detector) (argus_anomaly_score${sel(g)})`,
        '{{metric_name}} ({{detector}})',
      ),
    );
}

function alertsTable(ds: dashboard.DataSourceRef, g: DashboardGroup): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Active alerts')
    .height(8)
    .span(12)
    .withTarget(
      new prometheus.DataqueryBuilder()
        .datasource(ds)
        .refId('A')
        .expr(`ALERTS${sel(g)}`)
        .format(prometheus.PromQueryFormat.Table)
        .instant(),
    );
}

function healthPanels(ds: dashboard.DataSourceRef): timeseries.PanelBuilder[] {
  const panel = (title: string, expr: string, legend: string) =>
    new timeseries.PanelBuilder()
      .title(title)
      .height(6)
      .span(6)
      .withTarget(query(ds, 'A', expr, legend));
  return [
    panel('Plugin errors /s', 'sum by (plugin) (rate(argus_plugin_errors_total[5m]))', '{{plugin}}'),
    panel('Dropped /s', 'sum by (plugin) (rate(argus_plugin_dropped_total[5m]))', '{{plugin}}'),
    panel('Queue depth', 'argus_plugin_queue_depth', '{{plugin}}'),
    panel('Active series', 'argus_series_active', 'series'),
  ];
}

function groupDashboard(i: Required<DashboardsInput>, g: DashboardGroup): DashboardModel {
  const ds = i.datasource;
  const metric = new dashboard.QueryVariableBuilder('metric')
    .label('Metric')
    .datasource(ds)
    .query({ query: `label_values(argus_anomaly_score${sel(g)}, metric_name)`, refId: 'metric' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .multi(true)
    .includeAll(true);
  const b = new dashboard.DashboardBuilder(`Argus: ${g.name}`)
    .uid(dashboardUid(i.uidPrefix, g.name))
    .tags(['argus', 'generated'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .withVariable(metric)
    .annotation(annotationTags(i.annotationTags))
    .withRow(new dashboard.RowBuilder('Series'))
    .withPanel(seriesPanel(ds, g))
    .withRow(new dashboard.RowBuilder('Anomalies and alerts'))
    .withPanel(scorePanel(ds, g))
    .withPanel(alertsTable(ds, g))
    .withRow(new dashboard.RowBuilder('Pipeline health'));
  for (const p of healthPanels(ds)) b.withPanel(p);
  return numbered(b.build());
}

/** Gives every panel and row a unique id (the builders leave them unset or 0); Grafana keys panel state by it. */
function numbered(d: DashboardModel): DashboardModel {
  let next = 1;
  const panels = (d.panels ?? []).map((p) => {
    const inner =
      'panels' in p && Array.isArray(p.panels) ? { panels: p.panels.map((q) => ({ ...q, id: next++ })) } : {};
    return { ...p, id: next++, ...inner };
  });
  return { ...d, panels } as DashboardModel;
}

function overview(i: Required<DashboardsInput>): DashboardModel {
  const all: DashboardGroup = { name: 'all' };
  const b = new dashboard.DashboardBuilder('Argus: pipeline')
    .uid(dashboardUid(i.uidPrefix, 'pipeline'))
    .tags(['argus', 'generated'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .annotation(annotationTags(i.annotationTags))
    .withRow(new dashboard.RowBuilder('Pipeline health'));
  for (const p of healthPanels(i.datasource)) b.withPanel(p);
  b.withRow(new dashboard.RowBuilder('Anomalies and alerts'))
    .withPanel(scorePanel(i.datasource, all))
    .withPanel(alertsTable(i.datasource, all));
  return numbered(b.build());
}

/**
 * Dashboards for a running pipeline, built with Grafana's foundation SDK: one per group (the series with their
 * expected band, the anomaly score, the active alerts, the sink's annotations, pipeline health) and an overview.
 * @example
 * buildDashboards({ groups: [{ name: 'api', matchers: 'job="api"' }] });
 */
export function buildDashboards(input: DashboardsInput): DashboardModel[] {
  const i: Required<DashboardsInput> = {
    groups: input.groups,
    datasource: input.datasource ?? { type: 'prometheus', uid: 'argus' },
    annotationTags: input.annotationTags ?? ['argus'],
    uidPrefix: input.uidPrefix ?? 'argus',
  };
  const uids = new Set<string>();
  const out = [overview(i), ...i.groups.map((g) => groupDashboard(i, g))];
  for (const d of out) {
    if (uids.has(d.uid!))
      throw new Error(`grafana dashboards: two groups give the uid "${d.uid}"; rename one group`);
    uids.add(d.uid!);
  }
  return out;
}
