// Small pieces every page uses.
import { useEffect } from 'preact/hooks';

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
