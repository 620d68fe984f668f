import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Session } from './api.js';
import { AlertsPage } from './pages/alerts.js';
import { ChartPage } from './pages/chart.js';
import { HealthPage } from './pages/health.js';
import { LoginPage } from './pages/login.js';

type Page = 'alerts' | 'chart' | 'health';
const PAGES: { id: Page; title: string }[] = [
  { id: 'alerts', title: 'Alerts' },
  { id: 'chart', title: 'Series' },
  { id: 'health', title: 'Health' },
];

const pageFromHash = (): Page => {
  const h = location.hash.replace(/^#\/?/, '');
  return PAGES.some((p) => p.id === h) ? (h as Page) : 'alerts';
};

export function App() {
  // undefined: still asking the server who we are; null: not logged in
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [page, setPage] = useState<Page>(pageFromHash());

  useEffect(() => {
    api
      .session()
      .then(setSession)
      .catch((e) => setSession(e instanceof ApiError && e.status === 401 ? null : null));
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <LoginPage onLogin={setSession} />;
  return (
    <>
      <header>
        <strong>Argus</strong>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={page === p.id ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.user} ({session.role}){' '}
          <button type="button" onClick={() => api.logout().then(() => setSession(null))}>
            Log out
          </button>
        </span>
      </header>
      <main>
        {page === 'alerts' && <AlertsPage session={session} />}
        {page === 'chart' && <ChartPage />}
        {page === 'health' && <HealthPage />}
      </main>
    </>
  );
}
