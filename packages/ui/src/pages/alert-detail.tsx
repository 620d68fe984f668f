// One alert: its labels, annotations (where the AI explanation of issue 15 arrives), the rule behind it and its
// series with the firing shaded, state history from the server, ack/unack with a comment and a silence prefilled
// with its labels.
import { useCallback, useState } from 'preact/hooks';
import type { HistoryEntry } from '../alert-series.js';
import { ApiError, api, type Session } from '../api.js';
import { EmptyRow, ErrorLine, mayOperate, TableHead, Time, usePoll } from '../common.js';
import { matchersFor, seriesSelector } from '../format.js';
import { seriesHref } from '../route.js';
import { AlertContext } from './alert-context.js';
import { AckForm, type AlertView } from './alerts.js';
import { SilenceEditor } from './silence-editor.js';

const REFRESH_MS = 5000;

export function AlertDetailPage({ fingerprint, session }: { fingerprint: string; session: Session }) {
  const [data, setData] = useState<{ alert: AlertView; history: HistoryEntry[] } | null>(null);
  const [error, setError] = useState('');
  const [form, setForm] = useState<'ack' | 'silence' | null>(null);
  const canAct = mayOperate(session);

  const load = useCallback(async () => {
    try {
      setData(await api.get(`api/alerts/${fingerprint}`));
      setError('');
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 404
          ? `No alert ${fingerprint} (resolved and gone?)`
          : String((e as Error).message),
      );
    }
  }, [fingerprint]);
  usePoll(load, REFRESH_MS, [load]);

  const done = () => {
    setForm(null);
    void load();
  };
  const a = data?.alert;
  return (
    <section aria-labelledby="page-h">
      <p>
        <a href="#/alerts">← Alerts</a>
      </p>
      <h1 id="page-h" tabIndex={-1}>
        {a ? (a.labels.alertname ?? fingerprint) : `Alert ${fingerprint}`}
      </h1>
      <ErrorLine error={error} />
      {a && (
        <>
          <dl class="facts">
            <dt>State</dt>
            <dd class={`state-${a.status.state}`} data-field="state">
              {a.status.state}
            </dd>
            <dt>Severity</dt>
            <dd>{a.labels.severity ?? '—'}</dd>
            <dt>Started</dt>
            <dd>
              <Time t={a.startsAt} />
            </dd>
            {a.endsAt !== undefined && (
              <>
                <dt>Ended</dt>
                <dd>
                  <Time t={a.endsAt} />
                </dd>
              </>
            )}
            <dt>Acknowledged</dt>
            <dd data-field="ack">
              {a.ack ? `by ${a.ack.by}${a.ack.comment ? `: ${a.ack.comment}` : ''}` : 'no'}
            </dd>
            {a.status.silencedBy.length > 0 && (
              <>
                <dt>Silenced by</dt>
                <dd>
                  <a href="#/silences">{a.status.silencedBy.join(', ')}</a>
                </dd>
              </>
            )}
            <dt>Series</dt>
            <dd>
              <a href={seriesHref(seriesSelector(a.labels))}>{seriesSelector(a.labels)}</a>
            </dd>
            {a.generatorURL && (
              <>
                <dt>Source</dt>
                <dd>{a.generatorURL}</dd>
              </>
            )}
          </dl>
          {canAct && (
            <div class="row">
              {a.ack ? (
                <button
                  type="button"
                  onClick={() =>
                    api.del(`api/alerts/${fingerprint}/ack`).then(load, (e: Error) => setError(e.message))
                  }
                >
                  Unack
                </button>
              ) : (
                <button type="button" onClick={() => setForm('ack')}>
                  Ack
                </button>
              )}
              <button type="button" onClick={() => setForm('silence')}>
                Silence this alert
              </button>
            </div>
          )}
          {form === 'ack' && <AckForm fingerprint={fingerprint} onDone={done} />}
          {form === 'silence' && (
            <SilenceEditor
              title={`Silence ${a.labels.alertname ?? fingerprint}`}
              draft={{ matchers: matchersFor(a.labels) }}
              onDone={done}
            />
          )}
          <h2>Labels</h2>
          <Pairs record={a.labels} label="Labels" />
          <h2>Annotations</h2>
          {Object.keys(a.annotations).length === 0 ? (
            <p class="muted">None</p>
          ) : (
            <Pairs record={a.annotations} label="Annotations" />
          )}
          {data && <AlertContext alert={a} history={data.history} />}
        </>
      )}
      {data && (
        <>
          <h2>History</h2>
          <table aria-label="History">
            <TableHead cols={['Time', 'Event', 'Receiver', 'Detail']} />
            <tbody>
              {data.history.length === 0 && <EmptyRow cols={4} text="No history yet" />}
              {data.history.map((h) => (
                <tr key={h.seq}>
                  <td>
                    <Time t={h.at} />
                  </td>
                  <td>{h.event}</td>
                  <td>{h.receiver ?? ''}</td>
                  <td>{h.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** A label or annotation set as a two-column table, keys sorted. */
function Pairs({ record, label }: { record: Readonly<Record<string, string>>; label: string }) {
  return (
    <table aria-label={label} class="pairs">
      <tbody>
        {Object.keys(record)
          .sort()
          .map((k) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td class="labels">{record[k]}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
