// The series page: series picked by a selector over a chosen range, drawn with the detectors' expected band and a
// marker per finding (its reason on hover); the findings list with filters; export of the shown range.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { type BandNote, seriesWithBand, withBand } from '../band.js';
import { ErrorLine, usePoll } from '../common.js';
import { download, downloadPng, exportName, toCsv, toJson } from '../export.js';
import { expressionAnswer, isSelector } from '../expression.js';
import { localInput } from '../format.js';
import { type SeriesAnswer, toChartData } from '../series.js';
import { FindingsList } from './findings.js';
import { Plot, UPDATE_MARK } from './plot.js';

const RANGES = { '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000 } as const;
type Range = keyof typeof RANGES | 'custom';
const REFRESH_MS = 10_000;
const LIVE_COALESCE_MS = 1000;
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
  const [note, setNote] = useState<BandNote | null>(null);
  const [error, setError] = useState('');
  const [live, setLive] = useState(0);
  const [nonce, setNonce] = useState(0);
  const plot = useRef<uPlot | null>(null);

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
        const next = isSelector(applied)
          ? await seriesWithBand(q)
          : {
              answer: await expressionAnswer(applied, from, to, MAX_SERIES),
              band: null,
              note: { expression: true } as const,
            };
        // the update's main-thread cost, from here to uPlot's draw (read by `pnpm bench:ui`)
        performance.mark(UPDATE_MARK);
        setAnswer(withBand(next.answer, next.band));
        setNote(next.note);
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
            placeholder='cpu_usage{host="web-1"} or rate(http_requests_total[5m])'
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
          <Plot data={data} onPlot={(p) => (plot.current = p)} />
          <p class="muted summary">
            {answer.series.length} series{answer.truncated ? ` (first ${MAX_SERIES})` : ''},{' '}
            {data.columns[0].length} points, {data.markers.length} findings, band at {data.bandPoints} points.
            Shaded: the expected band (<BandSource note={note} />
            ); red dots: findings (hover for the reason).
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
            <button
              type="button"
              onClick={() => plot.current && downloadPng(exportName(answer, 'png'), plot.current.ctx.canvas)}
            >
              Export PNG
            </button>
          </div>
          {isSelector(applied) && (
            <FindingsList shown={{ match: applied, from: answer.from, to: answer.to }} />
          )}
        </>
      )}
    </section>
  );
}

/** Where the shaded band comes from: the replayed detector, or why only findings carry one. */
export function BandSource({ note }: { note: BandNote | null }) {
  if (!note) return <>the detectors' findings</>;
  if ('expression' in note) return <>none: an expression's values are computed, not stored</>;
  if ('error' in note) return <>only where findings carry one: {note.error}</>;
  const cut = note.clipped ? ', its warm-up cut short' : '';
  return <>{`${note.detector} replayed over the stored history${cut}, findings keeping their own`}</>;
}
