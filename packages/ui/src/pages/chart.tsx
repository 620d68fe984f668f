// The series page: series picked by a selector over a chosen range, drawn with the detectors' expected band and a
// marker per finding (its reason on hover); the findings list with filters; export of the shown range.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api.js';
import { ErrorLine, usePoll } from '../common.js';
import { download, exportName, toCsv, toJson } from '../export.js';
import { localInput } from '../format.js';
import { type ChartData, type Marker, type SeriesAnswer, toChartData } from '../series.js';
import { FindingsList } from './findings.js';

const RANGES = { '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000 } as const;
type Range = keyof typeof RANGES | 'custom';
const REFRESH_MS = 10_000;
const LIVE_COALESCE_MS = 1000;
const UPDATE_MARK = 'argus:series-data';
const UPDATE_MEASURE = 'argus:series-update';
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#be123c'];
const MAX_SERIES = 20;

export interface Shown {
  match: string;
  from: number;
  to: number;
}

/** `initial`: a selector to show at once (from `#/series?match=…`). */
export function ChartPage({ initial = '' }: { initial?: string }) {
  const [match, setMatch] = useState(initial);
  const [applied, setApplied] = useState(initial);
  const [range, setRange] = useState<Range>('1h');
  const [custom, setCustom] = useState(() => ({
    from: localInput(Date.now() - 3_600_000),
    to: localInput(Date.now()),
  }));
  const [answer, setAnswer] = useState<SeriesAnswer | null>(null);
  const [error, setError] = useState('');
  const [live, setLive] = useState(0);
  const [nonce, setNonce] = useState(0);

  // a new finding refreshes the page soon rather than at the next poll; a burst of findings (a demo emits many a
  // second) makes one refresh, not one per finding
  useEffect(() => {
    const es = new EventSource('api/events');
    let pending: ReturnType<typeof setTimeout> | undefined;
    es.addEventListener('finding', () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        setLive((n) => n + 1);
      }, LIVE_COALESCE_MS);
    });
    return () => {
      es.close();
      clearTimeout(pending);
    };
  }, []);

  const span = (): { from: number; to: number } =>
    range === 'custom'
      ? { from: new Date(custom.from).getTime(), to: new Date(custom.to).getTime() }
      : { from: Date.now() - RANGES[range], to: Date.now() };

  usePoll(
    async () => {
      if (!applied) return;
      const { from, to } = span();
      const q = new URLSearchParams({
        match: applied,
        from: String(from),
        to: String(to),
        limit: String(MAX_SERIES),
      });
      try {
        const next = await api.get<SeriesAnswer>(`api/series?${q}`);
        // the update's main-thread cost, from here to uPlot's draw (read by `pnpm bench:ui`)
        performance.mark(UPDATE_MARK);
        setAnswer(next);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    REFRESH_MS,
    [applied, range, range === 'custom' ? `${custom.from} ${custom.to}` : '', live, nonce],
  );

  // once per answer, not on every render (typing in the selector field re-renders this page)
  const data = useMemo(() => (answer ? toChartData(answer.series) : null), [answer]);
  return (
    <section aria-labelledby="page-h">
      <h1 id="page-h">Series</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(match.trim());
          // Show again refreshes now, even with the same selector
          setNonce((n) => n + 1);
        }}
      >
        <label>
          Series{' '}
          <input
            name="match"
            size={60}
            placeholder='cpu_usage{host="web-1"}'
            value={match}
            onInput={(e) => setMatch(e.currentTarget.value)}
          />
        </label>
        <label>
          Range{' '}
          <select name="range" value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {Object.keys(RANGES).map((r) => (
              <option key={r}>{r}</option>
            ))}
            <option value="custom">custom…</option>
          </select>
        </label>
        {range === 'custom' &&
          (['from', 'to'] as const).map((end) => (
            <label key={end}>
              {end === 'from' ? 'From' : 'To'}{' '}
              <input
                type="datetime-local"
                name={end}
                value={custom[end]}
                onInput={(e) => setCustom({ ...custom, [end]: e.currentTarget.value })}
              />
            </label>
          ))}
        <button type="submit">Show</button>
      </form>
      <ErrorLine error={error} />
      {answer && data && (
        <>
          <Chart data={data} />
          <p class="muted summary">
            {answer.series.length} series{answer.truncated ? ` (first ${MAX_SERIES})` : ''},{' '}
            {data.columns[0].length} points, {data.markers.length} findings, band at {data.bandPoints} points.
            Shaded: the expected band the detectors reported; red dots: findings (hover for the reason).
          </p>
          <div class="row">
            <button
              type="button"
              onClick={() => download(exportName(answer, 'csv'), 'text/csv', toCsv(answer))}
            >
              Export CSV
            </button>
            <button
              type="button"
              onClick={() => download(exportName(answer, 'json'), 'application/json', toJson(answer))}
            >
              Export JSON
            </button>
          </div>
          <FindingsList shown={{ match: applied, from: answer.from, to: answer.to }} />
        </>
      )}
    </section>
  );
}

function Chart({ data }: { data: ChartData }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markers = useRef(data.markers);
  markers.current = data.markers;
  const [hover, setHover] = useState<Marker | null>(null);
  const shape = data.names.join('\n');

  // a new plot only when the set of series changes; refreshes just swap the data (cheap)
  useEffect(() => {
    const el = host.current!;
    let color = -1;
    const series: uPlot.Series[] = data.role.map((role, i) => {
      if (role === 'value') color++;
      const stroke = COLORS[color % COLORS.length]!;
      return role === 'value'
        ? { label: data.names[i]!, stroke, width: 1.5 }
        : { label: data.names[i]!, stroke: `${stroke}55`, width: 1, dash: [4, 4] };
    });
    const opts: uPlot.Options = {
      width: Math.max(400, el.clientWidth),
      height: 360,
      series: [{}, ...series],
      bands: data.bands.map(([upper, lower]) => ({
        series: [upper, lower],
        fill: 'rgba(37, 99, 235, 0.15)',
      })),
      hooks: {
        draw: [(u) => drawMarkers(u, markers.current), measureUpdate],
        setCursor: [(u) => setHover(markerAt(u, markers.current))],
      },
    };
    plot.current = new uPlot(opts, data.columns as uPlot.AlignedData, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data.columns as uPlot.AlignedData);
  }, [data]);

  return (
    <>
      <div
        ref={host}
        class="chart"
        role="img"
        data-band-points={data.bandPoints}
        data-markers={data.markers.length}
        aria-label={`Chart of ${data.names.filter((_, i) => data.role[i] === 'value').join(', ')}`}
      />
      <p class="hover" aria-live="polite">
        {hover ? `Finding (score ${hover.score.toFixed(2)}): ${hover.reason}` : ''}
      </p>
    </>
  );
}

/** The finding under the cursor, if the cursor is on a marked point. */
function markerAt(u: uPlot, markers: Marker[]): Marker | null {
  const i = u.cursor.idx;
  return i == null ? null : (markers.find((m) => m.index === i) ?? null);
}

function drawMarkers(u: uPlot, markers: Marker[]): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = '#dc2626';
  for (const m of markers) {
    const y = u.data[m.series]?.[m.index];
    if (y == null) continue;
    const cx = u.valToPos(u.data[0][m.index]!, 'x', true);
    const cy = u.valToPos(y, 'y', true);
    ctx.beginPath();
    // the surer the finding, the bigger the dot
    ctx.arc(cx, cy, (3 + 3 * m.score) * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

/** Closes the measure a data arrival opened: transform, render and uPlot's draw, on the main thread. */
function measureUpdate(): void {
  if (performance.getEntriesByName(UPDATE_MARK, 'mark').length === 0) return;
  performance.measure(UPDATE_MEASURE, UPDATE_MARK);
  performance.clearMarks(UPDATE_MARK);
}
