// Silences: every silence with its state; create, edit (same id) and expire, through the shared editor.
import { useCallback, useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import { EmptyRow, ErrorLine, mayOperate, TableHead, Time, usePoll } from '../common.js';
import { type SilenceDraft, SilenceEditor } from './silence-editor.js';

interface SilenceView {
  id: string;
  matchers: string[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
}

const REFRESH_MS = 5000;
const COLS = ['Matchers', 'State', 'Starts', 'Ends', 'Created by', 'Comment'];
// active first, then pending, then expired; within a state the one ending soonest first
const ORDER = { active: 0, pending: 1, expired: 2 } as const;

export function SilencesPage({ session }: { session: Session }) {
  const [silences, setSilences] = useState<SilenceView[]>([]);
  const [showExpired, setShowExpired] = useState(false);
  const [editing, setEditing] = useState<SilenceDraft | null>(null);
  const [error, setError] = useState('');
  const canAct = mayOperate(session);

  const load = useCallback(async () => {
    try {
      const all = await api.get<SilenceView[]>('api/silences');
      setSilences(all.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.endsAt - b.endsAt));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  usePoll(load, REFRESH_MS, [load]);

  const shown = silences.filter((s) => showExpired || s.state !== 'expired');
  const expire = (id: string) => api.del(`api/silences/${id}`).then(load, (e: Error) => setError(e.message));
  return (
    <section aria-labelledby="page-h">
      <h1 id="page-h">Silences</h1>
      <div class="row">
        {canAct && (
          <button type="button" onClick={() => setEditing({ matchers: [] })}>
            New silence
          </button>
        )}
        <label>
          <input
            type="checkbox"
            name="show-expired"
            checked={showExpired}
            onChange={(e) => setShowExpired(e.currentTarget.checked)}
          />{' '}
          Show expired
        </label>
      </div>
      <ErrorLine error={error} />
      {editing && (
        <SilenceEditor
          key={editing.id ?? 'new'}
          title={editing.id ? `Edit silence ${editing.id}` : 'New silence'}
          draft={editing}
          onDone={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
      <table aria-label="Silences">
        <TableHead cols={canAct ? [...COLS, 'Actions'] : COLS} />
        <tbody>
          {shown.length === 0 && <EmptyRow cols={7} text="No silences" />}
          {shown.map((s) => (
            <tr key={s.id} data-silence={s.id}>
              <td class="labels">{s.matchers.join(', ')}</td>
              <td>{s.state}</td>
              <td>
                <Time t={s.startsAt} />
              </td>
              <td>
                <Time t={s.endsAt} />
              </td>
              <td>{s.createdBy}</td>
              <td>{s.comment}</td>
              {canAct && (
                <td>
                  {s.state !== 'expired' && (
                    <>
                      <button
                        type="button"
                        onClick={() =>
                          setEditing({ id: s.id, matchers: s.matchers, endsAt: s.endsAt, comment: s.comment })
                        }
                      >
                        Edit
                      </button>{' '}
                      <button type="button" onClick={() => void expire(s.id)}>
                        Expire
                      </button>
                    </>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
