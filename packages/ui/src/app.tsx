import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Session } from './api.js';
import { AlertDetailPage } from './pages/alert-detail.js';
import { AlertsPage } from './pages/alerts.js';
import { AnalysisPage } from './pages/analysis.js';
import { ChartPage } from './pages/chart.js';
import { HealthPage } from './pages/health.js';
import { LoginPage } from './pages/login.js';
import { SilencesPage } from './pages/silences.js';
import { type PageId, parseRoute, type Route } from './route.js';

const NAV: { id: PageId; title: string }[] = [
  { id: 'alerts', title: 'Alerts' },
  { id: 'silences', title: 'Silences' },
  { id: 'series', title: 'Series' },
  { id: 'analysis', title: 'Analysis' },
  { id: 'health', title: 'Health' },
];

export function App() {
  // undefined: still asking the server who we are; null: not logged in
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(parseRoute(location.hash));
  const first = useRef(true);

  useEffect(() => {
    api
      .session()
      .then(setSession)
      .catch((e) => setSession(e instanceof ApiError && e.status === 401 ? null : null));
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // after a page change, keyboard and screen reader users start at the new page's heading, not at the old link
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (!h1) return;
    h1.tabIndex = -1;
    h1.focus();
  }, [route.page, route.id]);

  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <LoginPage onLogin={setSession} />;
  const current = route.page === 'alert' ? 'alerts' : route.page;
  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header>
        <strong>Argus</strong>
        <nav aria-label="Pages">
          {NAV.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={current === p.id ? 'page' : undefined}>
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
      <main id="main" tabIndex={-1}>
        {route.page === 'alerts' && <AlertsPage session={session} />}
        {route.page === 'alert' && <AlertDetailPage fingerprint={route.id!} session={session} />}
        {route.page === 'silences' && <SilencesPage session={session} />}
        {route.page === 'series' && <ChartPage key={route.match ?? ''} initial={route.match ?? ''} />}
        {route.page === 'analysis' && <AnalysisPage session={session} />}
        {route.page === 'health' && <HealthPage />}
      </main>
    </>
  );
}

/** A button, not a `#main` link: the hash is the router's. */
function skipToMain(): void {
  document.getElementById('main')?.focus();
}
