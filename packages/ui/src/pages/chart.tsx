import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api.js';
import { ErrorLine, usePoll } from '../common.js';
import { type ChartData, type Finding, type MatrixSeries, toChartData } from '../series.js';

const RANGES = { '15m': 900, '1h': 3600, '6h': 21_600, '24h': 86_400 } as const;
type Range = keyof typeof RANGES;
const REFRESH_MS = 10_000;
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#be123c'];
// uPlot slows past a few thousand points per series; the step keeps any range to about this many
const POINTS = 1000;

interface QueryRange {
  status: string;
  data: { resultType: string; result: MatrixSeries[] };
}

export function ChartPage() {
  const [expr, setExpr] = useState('');
  const [shown, setShown] = useState('');
  const [range, setRange] = useState<Range>('1h');
  const [data, setData] = useState<ChartData | null>(null);
  const [error, setError] = useState('');
  const findings = useRef<Finding[]>([]);
  const [findingCount, setFindingCount] = useState(0);

  // anomaly markers come from the server's live findings (kept for this page's lifetime)
  useEffect(() => {
    const es = new EventSource('api/events');
    es.addEventListener('finding', (ev) => {
      const f = JSON.parse((ev as MessageEvent).data);
      if (!f.labels) return;
      findings.current = [
        ...findings.current.slice(-999),
        { at: f.timestamp, labels: f.labels, reason: f.explanation },
      ];
      setFindingCount(findings.current.length);
    });
    return () => es.close();
  }, []);

  usePoll(
    async () => {
      if (!shown) return;
      const end = Date.now() / 1000;
      const seconds = RANGES[range];
      const q = new URLSearchParams({
        query: shown,
        start: String(end - seconds),
        end: String(end),
        step: String(Math.max(1, Math.ceil(seconds / POINTS))),
      });
      try {
        const r = await api.get<QueryRange>(`api/v1/query_range?${q}`);
        setData(toChartData(r.data.result, findings.current));
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    REFRESH_MS,
    [shown, range, findingCount],
  );

  return (
    <section aria-labelledby="chart-h">
      <h1 id="chart-h">Series</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setShown(expr.trim());
        }}
      >
        <label>
          Query{' '}
          <input
            name="expr"
            size={60}
            placeholder='cpu_usage{host="web-1"}'
            value={expr}
            onInput={(e) => setExpr(e.currentTarget.value)}
          />
        </label>
        <label>
          Range{' '}
          <select name="range" value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {Object.keys(RANGES).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      <ErrorLine error={error} />
      {data && <Chart data={data} />}
      {data && (
        <p class="muted">
          {data.names.length} series, {data.columns[0].length} points; red dots: anomalies seen live since
          this page opened.
        </p>
      )}
    </section>
  );
}

function Chart({ data }: { data: ChartData }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markers = useRef(data.markers);
  markers.current = data.markers;
  const shape = data.names.join('\n');

  // a new plot only when the set of series changes; refreshes just swap the data (cheap)
  useEffect(() => {
    const el = host.current!;
    const opts: uPlot.Options = {
      width: Math.max(400, el.clientWidth),
      height: 360,
      series: [
        {},
        ...data.names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length]!, width: 1.5 })),
      ],
      hooks: { draw: [(u) => drawMarkers(u, markers.current)] },
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

  return <div ref={host} class="chart" role="img" aria-label={`Chart of ${data.names.join(', ')}`} />;
}

function drawMarkers(u: uPlot, markers: number[][]): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = '#dc2626';
  markers.forEach((idx, s) => {
    const ys = u.data[s + 1];
    if (!ys) return;
    for (const i of idx) {
      const y = ys[i];
      if (y == null) continue;
      const cx = u.valToPos(u.data[0][i]!, 'x', true);
      const cy = u.valToPos(y, 'y', true);
      ctx.beginPath();
      ctx.arc(cx, cy, 4 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
  ctx.restore();
}
