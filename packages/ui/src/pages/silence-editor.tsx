// The silence editor the alerts list, the alert detail and the silences page share: matchers validated as they are
// typed, a live preview of the alerts they would silence now, and create (or, with an id, update).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { ErrorLine, FormButtons } from '../common.js';
import { labelText, localInput, matcherError, splitMatchers } from '../format.js';
import type { AlertView } from './alerts.js';

export interface SilenceDraft {
  /** Set when editing an existing silence. */
  id?: string;
  matchers: string[];
  /** ms since epoch; default: two hours from now */
  endsAt?: number;
  comment?: string;
}

const PREVIEW_DELAY_MS = 250;

export function SilenceEditor({
  title,
  draft,
  onDone,
}: {
  title: string;
  draft: SilenceDraft;
  onDone: (saved: boolean) => void;
}) {
  const [matchers, setMatchers] = useState(draft.matchers.join(', '));
  const [ends, setEnds] = useState(localInput(draft.endsAt ?? Date.now() + 2 * 3_600_000));
  const [comment, setComment] = useState(draft.comment ?? '');
  const [preview, setPreview] = useState<AlertView[] | null>(null);
  const [error, setError] = useState('');
  const list = splitMatchers(matchers);
  const invalid = list.map((m) => [m, matcherError(m)] as const).filter(([, e]) => e !== null);
  const matcherProblem =
    list.length === 0 ? 'at least one matcher is required' : invalid.map(([m, e]) => `${m}: ${e}`).join('; ');

  // the preview follows the matchers as they are edited: what would this silence hide right now?
  useEffect(() => {
    if (matcherProblem) return setPreview(null);
    const t = setTimeout(() => {
      api
        .post<AlertView[]>('api/silences/preview', { matchers: list })
        .then((p) => {
          setPreview(p);
          setError('');
        })
        .catch((e: Error) => {
          setPreview(null);
          setError(e.message);
        });
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(t);
  }, [matchers]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (matcherProblem) return;
    try {
      await api.post('api/silences', {
        ...(draft.id ? { id: draft.id } : {}),
        matchers: list,
        endsAt: new Date(ends).getTime(),
        comment,
      });
      onDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <form
      class="panel"
      aria-label="Silence"
      onSubmit={save}
      onKeyDown={(e) => e.key === 'Escape' && onDone(false)}
    >
      <h2>{title}</h2>
      <label>
        Matchers{' '}
        <input
          name="silence-matchers"
          size={80}
          value={matchers}
          aria-invalid={matcherProblem ? 'true' : 'false'}
          aria-describedby="silence-matchers-problem"
          onInput={(e) => setMatchers(e.currentTarget.value)}
        />
      </label>
      <p id="silence-matchers-problem" class="error matcher-problem" aria-live="polite">
        {matcherProblem}
      </p>
      <label>
        Ends{' '}
        <input
          name="silence-ends"
          type="datetime-local"
          required
          value={ends}
          onInput={(e) => setEnds(e.currentTarget.value)}
        />
      </label>
      <label>
        Comment{' '}
        <input
          name="silence-comment"
          required
          size={60}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
      <div class="preview" aria-live="polite">
        {preview === null
          ? 'Preview: —'
          : `Preview: silences ${preview.length} alert${preview.length === 1 ? '' : 's'} now`}
        <ul>
          {preview?.map((p) => (
            <li key={p.fingerprint}>
              {p.labels.alertname} {labelText(p.labels)}
            </li>
          ))}
        </ul>
      </div>
      <FormButtons submit={draft.id ? 'Update silence' : 'Create silence'} onCancel={() => onDone(false)} />
      <ErrorLine error={error} />
    </form>
  );
}
