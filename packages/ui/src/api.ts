// The only way the UI talks to Argus: the server's HTTP API, with the session cookie the login set and, on
// state-changing requests, the CSRF token the login returned (the server refuses them without it).

const CSRF_KEY = 'argus.csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  user: string;
  role: 'viewer' | 'operator' | 'admin' | 'sender';
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  // sessionStorage, not localStorage: the token dies with the tab, as the session it belongs to should
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data?.message ?? `${method} ${path}: HTTP ${res.status}`);
  return data as T;
}

export const api = {
  get: <T>(path: string): Promise<T> => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body),
  del: <T>(path: string): Promise<T> => call<T>('DELETE', path),
  async login(user: string, password: string): Promise<Session> {
    const r = await call<Session & { csrfToken: string }>('POST', 'api/login', { user, password });
    sessionStorage.setItem(CSRF_KEY, r.csrfToken);
    return { user: r.user, role: r.role };
  },
  async logout(): Promise<void> {
    await call('POST', 'api/logout', {}).catch(() => undefined);
    sessionStorage.removeItem(CSRF_KEY);
  },
  /**
   * Who the session cookie belongs to. A session begun without the login form (the one-time login link, OIDC: a
   * redirect, no JSON answer) has its CSRF token only here, so it is kept from this answer too; a reload of a
   * form login gets the same token back.
   */
  async session(): Promise<Session> {
    const r = await call<Session & { csrfToken?: string }>('GET', 'api/session');
    if (r.csrfToken) sessionStorage.setItem(CSRF_KEY, r.csrfToken);
    return { user: r.user, role: r.role };
  },
};
