// A backtest's firing drawn over the series it read: the series over the job's range, with the detectors' band and
// findings, shaded red where the rules would have fired. The series are picked by a selector the page guesses from
// the job (see `backtestSelector`) and the operator can change.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { type BacktestAsked, backtestSelector, type FiringSpan } from '../backtest.js';
import { ErrorLine, Time } from '../common.js';
import { labelText } from '../format.js';
import { type SeriesAnswer, toChartData } from '../series.js';
import { Plot } from './plot.js';

const MAX_SERIES = 10;

export function BacktestChart({
  spans,
  from,
  to,
  asked,
}: {
  spans: readonly FiringSpan[];
  from: number;
  to: number;
  asked?: BacktestAsked | undefined;
}) {
  const guess = useMemo(() => backtestSelector(asked, spans) ?? '', [asked, spans]);
  const [text, setText] = useState(guess);
  const [selector, setSelector] = useState(guess);
  const [answer, setAnswer] = useState<SeriesAnswer | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!selector) return;
    let live = true;
    const q = new URLSearchParams({
      match: selector,
      from: String(from),
      to: String(to),
      limit: String(MAX_SERIES),
    });
    api.get<SeriesAnswer>(`api/series?${q}`).then(
      (a) => {
        if (!live) return;
        setAnswer(a);
        setError('');
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [selector, from, to]);
  const data = useMemo(() => (answer ? toChartData(answer.series) : null), [answer]);
  const shade = useMemo(() => spans.map((s) => ({ from: s.start, to: s.end })), [spans]);
  return (
    <div class="backtest-series">
      <form
        class="row"
        aria-label="Series to draw the firing over"
        onSubmit={(e) => {
          e.preventDefault();
          setSelector(text.trim());
        }}
      >
        <label>
          Series under the firing{' '}
          <input
            name="series"
            size={50}
            placeholder='disk_used_ratio{instance="db-1"}'
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Draw</button>
      </form>
      <ErrorLine error={error} />
      {!selector && <p class="muted">Give a series selector to draw the firing over the series.</p>}
      {selector && data && answer?.series.length === 0 && (
        <p class="muted">No stored series matches {selector} in the range.</p>
      )}
      {selector && data && answer && answer.series.length > 0 && (
        <>
          <Plot data={data} shade={shade} range={{ from, to }} />
          <p class="muted">
            {answer.series.length} series matching {selector}; shaded red: would have fired{' '}
            {spans.length === 0
              ? 'never'
              : spans.map((s, i) => (
                  <span key={`${s.fingerprint} ${s.start}`}>
                    {i > 0 ? '; ' : ''}
                    {labelText(s.labels)} <Time t={s.start} /> –{' '}
                    {s.open ? 'end of range' : <Time t={s.end} />}
                  </span>
                ))}
            .
          </p>
        </>
      )}
    </div>
  );
}
