import { useCallback, useState } from 'preact/hooks';
import { type GroupAnswer, type Routing, routingByAlert } from '../alert-groups.js';
import { api, type Session } from '../api.js';
import { ErrorLine, FormButtons, mayOperate, usePoll } from '../common.js';
import { age, labelText, matchersFor, splitMatchers } from '../format.js';
import { alertHref } from '../route.js';
import { SilenceEditor } from './silence-editor.js';

export interface AlertView {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt?: number;
  status: { state: 'active' | 'suppressed' | 'resolved'; silencedBy: string[]; inhibitedBy: string[] };
  ack?: { by: string; at: number; comment?: string };
  generatorURL?: string;
}

const REFRESH_MS = 5000;

export function AlertsPage({ session }: { session: Session }) {
  // what is typed, and what was applied (a half-typed matcher is not sent)
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [routing, setRouting] = useState<Map<string, Routing>>(new Map());
  const [error, setError] = useState('');
  const [acking, setAcking] = useState<string | null>(null);
  const [silencing, setSilencing] = useState<AlertView | null>(null);
  // the server enforces roles; this only spares a viewer buttons that would be refused
  const canAct = mayOperate(session);

  const load = useCallback(async () => {
    const q = new URLSearchParams();
    for (const m of splitMatchers(filter)) q.append('filter', m);
    try {
      const [list, groups] = await Promise.all([
        api.get<AlertView[]>(`api/alerts?${q}`),
        api.get<GroupAnswer[]>('api/v2/alerts/groups'),
      ]);
      setAlerts(list);
      setRouting(routingByAlert(groups));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }, [filter]);

  usePoll(load, REFRESH_MS, [load]);

  const now = Date.now();
  return (
    <section aria-labelledby="alerts-h">
      <h1 id="alerts-h">Alerts</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft === filter) void load();
          else setFilter(draft);
        }}
      >
        <label>
          Filter{' '}
          <input
            name="filter"
            size={50}
            placeholder='severity="critical", team=~"db|web"'
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorLine error={error} />
      <table>
        <thead>
          <tr>
            <th>Alert</th>
            <th>State</th>
            <th>Severity</th>
            <th>Age</th>
            <th>Group</th>
            <th>Receiver</th>
            <th>Labels</th>
            <th>Ack</th>
            {canAct && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {alerts.length === 0 && (
            <tr>
              <td colSpan={canAct ? 9 : 8} class="muted">
                No alerts
              </td>
            </tr>
          )}
          {alerts.map((a) => (
            <tr key={a.fingerprint} data-fingerprint={a.fingerprint}>
              <td>
                <a href={alertHref(a.fingerprint)}>{a.labels.alertname ?? a.fingerprint}</a>
              </td>
              <td class={`state-${a.status.state}`}>{a.status.state}</td>
              <td>{a.labels.severity ?? ''}</td>
              <td title={new Date(a.startsAt).toISOString()}>{age(a.startsAt, now)}</td>
              <td class="group">{routing.get(a.fingerprint)?.groups.join(' ') ?? ''}</td>
              <td class="receiver">{routing.get(a.fingerprint)?.receivers.join(', ') ?? ''}</td>
              <td class="labels">{labelText(a.labels)}</td>
              <td class="ack">
                {a.ack ? `acked by ${a.ack.by}${a.ack.comment ? `: ${a.ack.comment}` : ''}` : ''}
              </td>
              {canAct && (
                <td>
                  {a.ack ? (
                    <button
                      type="button"
                      onClick={() =>
                        api
                          .del(`api/alerts/${a.fingerprint}/ack`)
                          .then(load, (e: Error) => setError(e.message))
                      }
                    >
                      Unack
                    </button>
                  ) : (
                    <button type="button" onClick={() => setAcking(a.fingerprint)}>
                      Ack
                    </button>
                  )}{' '}
                  <button type="button" onClick={() => setSilencing(a)}>
                    Silence
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {acking && (
        <AckForm
          fingerprint={acking}
          onDone={() => {
            setAcking(null);
            void load();
          }}
        />
      )}
      {silencing && (
        <SilenceEditor
          key={silencing.fingerprint}
          title={`Silence from ${silencing.labels.alertname ?? silencing.fingerprint}`}
          draft={{ matchers: matchersFor(silencing.labels) }}
          onDone={() => {
            setSilencing(null);
            void load();
          }}
        />
      )}
    </section>
  );
}

/** Acknowledge with an optional comment; used by the list and the alert detail. */
export function AckForm({ fingerprint, onDone }: { fingerprint: string; onDone: () => void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  return (
    <form
      class="panel"
      aria-label="Acknowledge"
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`api/alerts/${fingerprint}/ack`, comment ? { comment } : {});
          onDone();
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <h2>Acknowledge {fingerprint}</h2>
      <label>
        Comment{' '}
        <input
          name="ack-comment"
          size={60}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>{' '}
      <FormButtons submit="Acknowledge" onCancel={onDone} />
      <ErrorLine error={error} />
    </form>
  );
}
