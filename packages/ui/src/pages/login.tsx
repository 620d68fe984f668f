import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import { ErrorLine } from '../common.js';

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const sso = useSingleSignOn();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      onLogin(await api.login(user, password));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="login" onSubmit={submit} data-sso={sso === undefined ? 'pending' : sso ? 'oidc' : 'none'}>
      <h1>Argus</h1>
      <label>
        User{' '}
        <input
          name="user"
          autocomplete="username"
          value={user}
          onInput={(e) => setUser(e.currentTarget.value)}
        />
      </label>
      <label>
        Password{' '}
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Log in</button>
      {sso && (
        <p>
          <a href={sso}>Log in with single sign-on</a>
        </p>
      )}
      <ErrorLine error={error} />
    </form>
  );
}

/** The OIDC route of this server, a path (`/api/oidc/login`) as its OpenAPI document lists it. */
const OIDC_LOGIN = /\/api\/oidc\/login$/;

/**
 * Where single sign-on starts, when the server has OIDC configured: its public OpenAPI document lists
 * `/api/oidc/login` only then (the route itself would start a login, so it is not probed). `undefined` while
 * the document loads, `''` when there is none.
 */
function useSingleSignOn(): string | undefined {
  const [href, setHref] = useState<string | undefined>(undefined);
  useEffect(() => {
    api.get<{ paths?: Record<string, unknown> }>('api/openapi.json').then(
      (doc) => setHref(Object.keys(doc.paths ?? {}).some((p) => OIDC_LOGIN.test(p)) ? 'api/oidc/login' : ''),
      // without the document the form still works; single sign-on is then not offered
      () => setHref(''),
    );
  }, []);
  return href;
}
