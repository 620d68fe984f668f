// One uPlot chart of `toChartData`'s columns: values, the expected band filled between its bounds, a dot per finding
// (its reason on hover) and, where given, shaded spans (when an alert fired). Used by the series and alert pages.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Interval } from '../alert-series.js';
import { bandExtent, bandRuns, indexRange } from '../band-path.js';
import { type Axis, DENSE_PER_PX, denseRuns } from '../dense-path.js';
import type { BandColumnsOf, ChartData, Marker } from '../series.js';
import { shadeRects } from '../shade.js';

/** Set when data arrives; the chart's next draw closes the measure (read by `pnpm bench:ui`). */
export const UPDATE_MARK = 'argus:series-data';
const UPDATE_MEASURE = 'argus:series-update';
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#be123c'];
const SHADE = 'rgba(220, 38, 38, 0.14)';
const LIMIT = '#b91c1c';
const BAND_FILL = 'rgba(37, 99, 235, 0.15)';

export interface PlotProps {
  data: ChartData;
  /** Spans to shade, ms since epoch (an alert's firing). */
  shade?: readonly Interval[];
  /** A fixed x range, ms since epoch. @default the data's own */
  range?: Interval;
  /** Called with the plot once made (for the PNG export), and with null when it goes. */
  onPlot?: (plot: uPlot | null) => void;
}

export function Plot({ data, shade = [], range, onPlot }: PlotProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // the draw hooks read the latest through refs: the plot outlives the props it was made with
  const markers = useRef(data.markers);
  markers.current = data.markers;
  const spans = useRef(shade);
  spans.current = shade;
  const xRange = useRef(range);
  xRange.current = range;
  const bands = useRef(data.bandColumns);
  bands.current = data.bandColumns;
  const [hover, setHover] = useState<Marker | null>(null);
  const shape = data.names.join('\n');

  // a new plot only when the set of series changes; refreshes just swap the data (cheap). A layout effect, like the
  // swap below and declared before it: a new shape's plot must exist before its data is set
  useLayoutEffect(() => {
    const el = host.current!;
    let color = -1;
    const colorOf = new Map<number, string>();
    const series: uPlot.Series[] = data.role.map((role, i) => {
      if (role === 'value') color++;
      const stroke = COLORS[color % COLORS.length]!;
      colorOf.set(i + 1, stroke);
      const label = data.names[i]!;
      if (role === 'value') return { label, stroke, width: 1.5, paths: densePaths };
      // lines, not data: no point markers on them
      if (role === 'trend') return { label, stroke, width: 2, dash: [10, 5], points: { show: false } };
      if (role === 'limit') return { label, stroke: LIMIT, width: 1, dash: [3, 3], points: { show: false } };
      return { label, stroke: `${stroke}55`, width: 1, dash: [4, 4] };
    });
    const opts: uPlot.Options = {
      width: Math.max(400, el.clientWidth),
      height: 360,
      series: [{}, ...series],
      scales: {
        x: {
          time: true,
          range: (_u, lo, hi) =>
            xRange.current ? [xRange.current.from / 1000, xRange.current.to / 1000] : [lo, hi],
        },
        // the band is not a uPlot series, so uPlot's own range (values padded, as snapNumY does) is widened to it
        y: { range: (u, lo, hi) => yRange(u, lo, hi, bands.current) },
      },
      bands: data.bands.map(([upper, lower]) => ({
        series: [upper, lower],
        fill: BAND_FILL,
      })),
      hooks: {
        drawClear: [(u) => drawSpans(u, spans.current)],
        // after the grid, before the series: the values are drawn over their band
        drawAxes: [(u) => drawBands(u, bands.current, colorOf)],
        draw: [(u) => drawMarkers(u, markers.current), measureUpdate],
        setCursor: [(u) => setHover(markerAt(u, markers.current))],
      },
    };
    plot.current = new uPlot(opts, data.columns as uPlot.AlignedData, el);
    onPlot?.(plot.current);
    return () => {
      onPlot?.(null);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  // before the browser paints, not after (useEffect): the new data is drawn in the same frame as the rest of the page,
  // and an update does not sit out a frame waiting for its chart
  useLayoutEffect(() => {
    plot.current?.setData(data.columns as uPlot.AlignedData);
  }, [data]);

  const values = data.names.filter((_, i) => data.role[i] === 'value').join(', ');
  return (
    <>
      <div
        ref={host}
        class="chart"
        role="img"
        data-band-points={data.bandPoints}
        data-markers={data.markers.length}
        data-shaded={shade.length}
        aria-label={`Chart of ${values}${shade.length ? `, shaded where the alert fired` : ''}`}
      />
      <p class="hover" aria-live="polite">
        {hover ? `Finding (score ${hover.score.toFixed(2)}): ${hover.reason}` : ''}
      </p>
    </>
  );
}

/** uPlot's default y range (10 % padding, snapped) over the values and, where drawn, the band in the x range. */
function yRange(
  u: uPlot,
  lo: number | null,
  hi: number | null,
  bands: readonly BandColumnsOf[],
): uPlot.Range.MinMax {
  if (bands.length > 0) {
    const xs = u.data[0];
    const [i0, i1] = indexRange(xs, u.scales.x?.min ?? xs[0]!, u.scales.x?.max ?? xs[xs.length - 1]!);
    const ext = bandExtent(bands, i0, i1);
    if (ext) {
      lo = lo == null ? ext[0] : Math.min(lo, ext[0]);
      hi = hi == null ? ext[1] : Math.max(hi, ext[1]);
    }
  }
  return lo == null || hi == null ? [null, null] : uPlot.rangeNum(lo, hi, 0.1, true);
}

/**
 * Draws each band reduced to pixel columns (band-path.ts): one fill between its edges and the two edges dashed, in
 * its series' colour. The drawn boxes, in canvas pixels (`x0,top,x1,bottom`, space-separated, one per band), are
 * written on the chart's element (`data-band-px`): the e2e tests sample the canvas there.
 */
function drawBands(u: uPlot, bands: readonly BandColumnsOf[], colorOf: ReadonlyMap<number, string>): void {
  const x = axis(u, 'x');
  const y = axis(u, 'y');
  const boxes: string[] = [];
  if (x && y && bands.length > 0) {
    const xs = u.data[0];
    const [i0, i1] = indexRange(xs, u.scales.x!.min!, u.scales.x!.max!);
    const { ctx, bbox } = u;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    for (const b of bands) {
      const fill = new Path2D();
      const edges = new Path2D();
      let box: [number, number, number, number] | null = null;
      for (const run of bandRuns(xs, b.upper, b.lower, i0, i1, x, y)) {
        // the fill: along the top, back along the bottom; the edges: the same two lines, not closed
        fill.moveTo(run[0]!, run[1]!);
        edges.moveTo(run[0]!, run[1]!);
        for (let k = 3; k < run.length; k += 3) {
          fill.lineTo(run[k]!, run[k + 1]!);
          edges.lineTo(run[k]!, run[k + 1]!);
        }
        const end = run.length - 3;
        edges.moveTo(run[end]!, run[end + 2]!);
        for (let k = end; k >= 0; k -= 3) {
          fill.lineTo(run[k]!, run[k + 2]!);
          edges.lineTo(run[k]!, run[k + 2]!);
        }
        fill.closePath();
        box ??= [run[0]!, Number.POSITIVE_INFINITY, run[0]!, Number.NEGATIVE_INFINITY];
        box[2] = run[end]!;
        for (let k = 0; k < run.length; k += 3) {
          if (run[k + 1]! < box[1]) box[1] = run[k + 1]!;
          if (run[k + 2]! > box[3]) box[3] = run[k + 2]!;
        }
      }
      if (!box) continue;
      boxes.push(box.map((v) => Math.round(v)).join(','));
      ctx.fillStyle = BAND_FILL;
      ctx.fill(fill);
      ctx.strokeStyle = `${colorOf.get(b.series) ?? COLORS[0]}55`;
      ctx.stroke(edges);
    }
    ctx.restore();
  }
  u.root.parentElement?.setAttribute('data-band-px', boxes.join(' '));
}

/** The finding under the cursor, if the cursor is on a marked point. */
function markerAt(u: uPlot, markers: Marker[]): Marker | null {
  const i = u.cursor.idx;
  return i == null ? null : (markers.find((m) => m.index === i) ?? null);
}

/**
 * Shades each span over the plot's full height, under the series (drawn as the canvas is cleared). The rectangles
 * drawn, in canvas pixels, are written on the chart's element (`data-shade-px`, `x0-x1` space-separated): the e2e
 * tests sample the canvas there.
 */
function drawSpans(u: uPlot, spans: readonly Interval[]): void {
  const { ctx, bbox } = u;
  const rects = shadeRects(spans, bbox, (s) => u.valToPos(s, 'x', true));
  u.root.parentElement?.setAttribute('data-shade-px', rects.map((r) => `${r.x0}-${r.x1}`).join(' '));
  if (rects.length === 0) return;
  ctx.save();
  ctx.fillStyle = SHADE;
  for (const r of rects) ctx.fillRect(r.x0, bbox.top, r.x1 - r.x0, bbox.height);
  ctx.restore();
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

/** The affine map of a linear scale in canvas pixels, read from the plot; undefined for log or other scales. */
function axis(u: uPlot, key: string): Axis | undefined {
  const s = u.scales[key];
  if (s?.distr !== 1 || s.min == null || s.max == null || s.min === s.max) return undefined;
  const a = u.valToPos(s.min, key, true);
  const b = u.valToPos(s.max, key, true);
  return { origin: s.min, offset: a, scale: (b - a) / (s.max - s.min) };
}

const linear = uPlot.paths.linear!();

/** uPlot's `paths` for a value series: {@link denseRuns} where dense, uPlot's linear path elsewhere. */
const densePaths: uPlot.Series.PathBuilder = (u, seriesIdx, i0, i1) => {
  const s = u.series[seriesIdx]!;
  const x = axis(u, 'x');
  const y = axis(u, s.scale ?? 'y');
  if (!x || !y || i1 - i0 < DENSE_PER_PX * u.bbox.width) return linear(u, seriesIdx, i0, i1);
  const stroke = new Path2D();
  for (const run of denseRuns(u.data[0], u.data[seriesIdx]!, i0, i1, x, y)) {
    stroke.moveTo(run[0]!, run[1]!);
    for (let k = 2; k < run.length; k += 2) stroke.lineTo(run[k]!, run[k + 1]!);
  }
  // no gaps clip: a null sample already breaks the line (a move, not a line)
  return { stroke, fill: null, clip: null, band: null, gaps: [], flags: 0 };
};
