import { useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import { ErrorLine } from '../common.js';

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
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
    <form class="login" onSubmit={submit}>
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
      <ErrorLine error={error} />
    </form>
  );
}
