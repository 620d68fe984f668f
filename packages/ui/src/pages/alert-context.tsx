// What stands behind an alert on its detail page: the alerting rule that raised it with its expression (from the
// server's Prometheus rules API), and the series it is about over the time it fired, drawn with the detectors' band
// and findings, the firing shaded.
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  alertWindow,
  type FoundRule,
  firingIntervals,
  type HistoryEntry,
  type RulesAnswer,
  ruleLabelNames,
  rulesFor,
} from '../alert-series.js';
import { api } from '../api.js';
import { type BandNote, seriesWithBand, withBand } from '../band.js';
import { ErrorLine, Time, usePoll } from '../common.js';
import { labelText, seriesSelector } from '../format.js';
import { seriesHref } from '../route.js';
import { type SeriesAnswer, toChartData } from '../series.js';
import type { AlertView } from './alerts.js';
import { BandSource } from './chart.js';
import { Plot } from './plot.js';

const REFRESH_MS = 10_000;
const MAX_SERIES = 10;

export function AlertContext({ alert, history }: { alert: AlertView; history: HistoryEntry[] }) {
  const name = alert.labels.alertname ?? '';
  // undefined while asked; a string when the server has no rules API to ask
  const [rules, setRules] = useState<FoundRule[] | string | undefined>(undefined);
  useEffect(() => {
    api.get<RulesAnswer>('api/v1/rules?type=alert').then(
      (r) => setRules(rulesFor(r, alert.labels)),
      (e: Error) => setRules(e.message),
    );
  }, [name]);
  const drop = Array.isArray(rules) ? ruleLabelNames(rules) : [];
  return (
    <>
      <h2>Rule</h2>
      {rules === undefined ? null : typeof rules === 'string' ? (
        <p class="muted">No rules to show: {rules}</p>
      ) : rules.length === 0 ? (
        <p class="muted" data-rules="0">
          No loaded alerting rule is named {name || '(no alertname)'}: the alert came from a detector or was
          sent to the server from outside.
        </p>
      ) : (
        rules.map((r) => <RuleFacts key={`${r.file} ${r.group} ${r.query}`} rule={r} />)
      )}
      {rules !== undefined && (
        <AlertSeries alert={alert} history={history} selector={seriesSelector(alert.labels, drop)} />
      )}
    </>
  );
}

function RuleFacts({ rule }: { rule: FoundRule }) {
  return (
    <table aria-label={`Rule ${rule.name}`} class="pairs rule">
      <tbody>
        <Row k="Group">
          {rule.group} <span class="muted">({rule.file})</span>
        </Row>
        <Row k="Expression">
          <code data-field="expr">{rule.query}</code>
        </Row>
        <Row k="For">{rule.duration ? `${rule.duration} s` : '—'}</Row>
        {rule.labels && Object.keys(rule.labels).length > 0 && <Row k="Labels">{labelText(rule.labels)}</Row>}
        <Row k="State">{rule.state ?? '—'}</Row>
        <Row k="Health">
          {rule.health ?? '—'}
          {rule.lastError ? `: ${rule.lastError}` : ''}
        </Row>
      </tbody>
    </table>
  );
}

function Row({ k, children }: { k: string; children: preact.ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{k}</th>
      <td>{children}</td>
    </tr>
  );
}

function AlertSeries({
  alert,
  history,
  selector,
}: {
  alert: AlertView;
  history: HistoryEntry[];
  selector: string;
}) {
  const [answer, setAnswer] = useState<SeriesAnswer | null>(null);
  const [note, setNote] = useState<BandNote | null>(null);
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  const spans = useMemo(() => firingIntervals(history, alert, now), [history, alert, now]);
  const shown = useMemo(() => alertWindow(spans, now), [spans, now]);
  usePoll(
    async () => {
      const at = Date.now();
      const w = alertWindow(firingIntervals(history, alert, at), at);
      const q = new URLSearchParams({
        match: selector,
        from: String(Math.floor(w.from)),
        to: String(Math.ceil(w.to)),
        limit: String(MAX_SERIES),
      });
      try {
        const next = await seriesWithBand(q);
        setAnswer(withBand(next.answer, next.band));
        setNote(next.note);
        setNow(at);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    REFRESH_MS,
    [selector, alert.startsAt, alert.endsAt, history.length],
  );
  const data = useMemo(() => (answer ? toChartData(answer.series) : null), [answer]);
  return (
    <>
      <h2>Series</h2>
      <ErrorLine error={error} />
      {answer && data && answer.series.length === 0 && (
        <p class="muted">
          No stored series matches <a href={seriesHref(selector)}>{selector}</a> around the time it fired.
        </p>
      )}
      {answer && data && answer.series.length > 0 && (
        <>
          <Plot data={data} shade={spans} range={shown} />
          <p class="muted alert-series">
            {answer.series.length} series matching <a href={seriesHref(selector)}>{selector}</a>; shaded red:
            fired{' '}
            {spans.map((s, i) => (
              <span key={s.from}>
                {i > 0 ? ', ' : ''}
                <Time t={s.from} /> – {s.to >= now ? 'now' : <Time t={s.to} />}
              </span>
            ))}
            ; blue: the expected band (<BandSource note={note} />
            ).
          </p>
        </>
      )}
    </>
  );
}
