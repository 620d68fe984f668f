// Small pieces every page uses.
import { useEffect } from 'preact/hooks';
import type { Session } from './api.js';

/** The page's last error, read out by screen readers when it appears. */
export function ErrorLine({ error }: { error: string }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}

/** Runs `load` now and every `ms` while mounted (and again when `deps` change); `load` handles its own errors. */
export function usePoll(load: () => Promise<void>, ms: number, deps: unknown[]): void {
  useEffect(() => {
    void load();
    const t = setInterval(load, ms);
    return () => clearInterval(t);
  }, deps);
}

/** Submit and Cancel for the inline forms. */
export function FormButtons({ submit, onCancel }: { submit: string; onCancel: () => void }) {
  return (
    <>
      <button type="submit">{submit}</button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </>
  );
}

/** Whether the role may ack, silence and expire. The server enforces roles; this only spares refused buttons. */
export const mayOperate = (s: Session): boolean => s.role === 'operator' || s.role === 'admin';

/** A time in the browser's zone, with UTC on hover (issue 18). */
export function Time({ t }: { t: number }) {
  const d = new Date(t);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {d.toLocaleString()}
    </time>
  );
}

/** A table's header row. */
export function TableHead({ cols }: { cols: readonly string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c}>{c}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The one row of an empty table, saying what is missing. */
export function EmptyRow({ cols, text }: { cols: number; text: string }) {
  return (
    <tr>
      <td colSpan={cols} class="muted">
        {text}
      </td>
    </tr>
  );
}
