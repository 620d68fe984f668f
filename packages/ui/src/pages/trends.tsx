// The analysis page's trends: per series group, the trend detector's slope over a past range and its forecast, and
// whether it will cross a limit within the horizon (GET /api/trends). Open to viewers: it only reads.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorLine, Time } from '../common.js';
import { labelText } from '../format.js';
import { seriesName } from '../series.js';
import { type GroupTrend, type TrendsAnswer, trendChart, trendSentence } from '../trends.js';
import { Plot } from './plot.js';

const HOUR = 3_600_000;
const SPANS = { '1 h': HOUR, '6 h': 6 * HOUR, '24 h': 24 * HOUR, '7 d': 168 * HOUR } as const;
type SpanName = keyof typeof SPANS;

export function TrendsPanel() {
  const [form, setForm] = useState({
    match: '',
    by: '',
    over: '1 h' as SpanName,
    horizon: '1 h' as SpanName,
    above: '',
    below: '',
  });
  const [answer, setAnswer] = useState<TrendsAnswer | null>(null);
  const [error, setError] = useState('');
  const field = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });

  const submit = async (e: Event) => {
    e.preventDefault();
    const to = Date.now();
    const q = new URLSearchParams({
      match: form.match.trim(),
      from: String(to - SPANS[form.over]),
      to: String(to),
      horizonMs: String(SPANS[form.horizon]),
    });
    if (form.by.trim()) q.set('by', form.by.trim());
    if (form.above.trim()) q.set('above', form.above.trim());
    if (form.below.trim()) q.set('below', form.below.trim());
    try {
      setAnswer(await api.get<TrendsAnswer>(`api/trends?${q}`));
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const spanSelect = (k: 'over' | 'horizon', label: string) => (
    <label>
      {label}{' '}
      <select name={k} value={form[k]} onChange={field(k)}>
        {Object.keys(SPANS).map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="trends-h">
      <h2 id="trends-h">Trends and forecasts</h2>
      <form class="panel" aria-label="Trends" onSubmit={submit}>
        <label class="wide">
          Trend of{' '}
          <input
            name="trend-match"
            required
            placeholder="disk_used_ratio"
            value={form.match}
            onInput={field('match')}
          />
        </label>
        <label>
          Group by <input name="by" placeholder="labels, e.g. job" value={form.by} onInput={field('by')} />
        </label>
        {spanSelect('over', 'Over the last')}
        {spanSelect('horizon', 'Forecast')}
        {(['above', 'below'] as const).map((k) => (
          <label key={k}>
            Cross {k} <input type="number" step="any" name={k} size={8} value={form[k]} onInput={field(k)} />
          </label>
        ))}
        <button type="submit">Show trends</button>
      </form>
      <ErrorLine error={error} />
      {answer && (
        <>
          <p class="muted">
            {answer.groups.length} group{answer.groups.length === 1 ? '' : 's'}
            {answer.truncated ? ' (the first)' : ''} from <Time t={answer.from} /> to <Time t={answer.to} />:
            the trend detector's robust slope (dashed) carried on over the forecast with its band shaded,
            limits in red, a dot where the trend crosses one.
          </p>
          {answer.groups.map((g) => (
            <TrendFigure key={JSON.stringify(g.labels)} group={g} horizonMs={answer.horizonMs} />
          ))}
        </>
      )}
    </section>
  );
}

function TrendFigure({ group, horizonMs }: { group: GroupTrend; horizonMs: number }) {
  const name = seriesName(group.labels);
  const data = useMemo(() => trendChart(group, name), [group, name]);
  const sentence = trendSentence(group, horizonMs);
  return (
    <figure class="trend" data-group={labelText(group.labels)}>
      <figcaption>
        <strong>{name}</strong> ({group.series} series): <span class="trend-sentence">{sentence}</span>
      </figcaption>
      <Plot data={data} />
    </figure>
  );
}
