// Past findings of the shown series and range, filtered by kind, detector and minimum score (GET /api/findings).
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { EmptyRow, ErrorLine, TableHead, Time, usePoll } from '../common.js';
import { type FindingRow, seriesName } from '../series.js';
import type { Shown } from './chart.js';

// core's FindingKind values: the browser bundle does not import @argus/core (node code); a kind the server stops
// knowing is answered with a 400 naming the field, which the page shows
const KINDS = [
  'spike',
  'dip',
  'levelShift',
  'trend',
  'seasonalDeviation',
  'forecastBreach',
  'flatline',
  'missing',
] as const;
const LIMIT = 200;
const COLS = ['Time', 'Series', 'Kind', 'Score', 'Detector', 'Value', 'Expected', 'Why'];
const REFRESH_MS = 10_000;

export function FindingsList({ shown }: { shown: Shown }) {
  const [kind, setKind] = useState('');
  const [detector, setDetector] = useState('');
  const [minScore, setMinScore] = useState('0');
  const [rows, setRows] = useState<FindingRow[]>([]);
  const [error, setError] = useState('');

  usePoll(
    async () => {
      const q = new URLSearchParams({
        match: shown.match,
        from: String(shown.from),
        to: String(shown.to),
        limit: String(LIMIT),
      });
      if (kind) q.set('kind', kind);
      if (detector.trim()) q.set('detector', detector.trim());
      const min = Number(minScore);
      if (minScore && Number.isFinite(min)) q.set('minScore', String(min));
      try {
        setRows(await api.get<FindingRow[]>(`api/findings?${q}`));
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    REFRESH_MS,
    [shown.match, shown.from, shown.to, kind, detector, minScore],
  );

  return (
    <section aria-labelledby="findings-h">
      <h2 id="findings-h">Findings</h2>
      <fieldset class="row">
        <legend>Filters</legend>
        <label>
          Kind{' '}
          <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">any</option>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Detector{' '}
          <input
            name="detector"
            size={16}
            value={detector}
            onChange={(e) => setDetector(e.currentTarget.value)}
          />
        </label>
        <label>
          Min score{' '}
          <input
            name="min-score"
            type="number"
            min="0"
            max="1"
            step="0.05"
            value={minScore}
            onChange={(e) => setMinScore(e.currentTarget.value)}
          />
        </label>
      </fieldset>
      <ErrorLine error={error} />
      <table aria-label="Findings">
        <TableHead cols={COLS} />
        <tbody>
          {rows.length === 0 && <EmptyRow cols={COLS.length} text="No findings" />}
          {rows.map((f) => (
            <tr key={f.id} data-finding={f.id}>
              <td>
                <Time t={f.timestamp} />
              </td>
              <td class="labels">{seriesName(f.labels)}</td>
              <td>{f.kind}</td>
              <td>{f.score.toFixed(2)}</td>
              <td>{f.detector}</td>
              <td>{f.value}</td>
              <td>{f.expected ? `${f.expected.value} (${f.expected.lower} – ${f.expected.upper})` : '—'}</td>
              <td>{f.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
