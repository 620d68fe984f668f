// A local stand-in for Grafana that implements only the endpoints Argus calls, as Grafana's HTTP API documents
// them. Every request body and every answer is checked against the schemas in ./schemas.ts: a request that does
// not fit is answered 400 and recorded in `violations`, so tests fail when the client drifts from the API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import * as S from './schemas.js';

export interface StoredAnnotation {
  id: number;
  dashboardUID?: string;
  panelId?: number;
  time: number;
  timeEnd: number;
  text: string;
  tags: string[];
}

interface Dash {
  model: Record<string, unknown> & { uid: string; version: number };
  folderUid?: string;
}

export interface FakeGrafanaOptions {
  /** The service-account token it accepts. */
  token: string;
  /** `Viewer` answers 403 to every write. @default 'Editor' */
  role?: 'Viewer' | 'Editor';
  /** Data sources by uid. @default { argus: prometheus type } */
  datasources?: string[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeGrafana {
  readonly url: string;
  readonly annotations: StoredAnnotation[];
  readonly dashboards: Map<string, Dash>;
  readonly folders: Map<string, { id: number; uid: string; title: string }>;
  /** Requests seen, as `METHOD /path`. */
  readonly requests: string[];
  /** Schema violations of requests and of its own answers; a test expects none. */
  readonly violations: string[];
  /** Answers the next `count` authenticated requests with `status` (e.g. 503), to exercise retries. */
  readonly failNext: (count: number, status: number) => void;
  /** Handles the next request matching `route` (`POST /api/annotations`) itself, e.g. to store it and never answer. */
  readonly intercept: (route: string, handler: Handler) => void;
  close(): Promise<void>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const check = (schema: object): ValidateFunction => ajv.compile(schema);
const V = {
  postAnn: check(S.postAnnotationsCmd),
  patchAnn: check(S.patchAnnotationsCmd),
  postAnnRes: check(S.postAnnotationResponse),
  msg: check(S.messageResponse),
  annList: check(S.annotationList),
  health: check(S.healthResponse),
  ds: check(S.dataSource),
  saveDash: check(S.saveDashboardCommand),
  postDashRes: check(S.postDashboardResponse),
  dashMeta: check(S.dashboardFullWithMeta),
  createFolder: check(S.createFolderCommand),
  folder: check(S.folder),
};

/** Reads a JSON request body. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : undefined;
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeGrafana(o: FakeGrafanaOptions): Promise<FakeGrafana> {
  const annotations: StoredAnnotation[] = [];
  const dashboards = new Map<string, Dash>();
  const folders = new Map<string, { id: number; uid: string; title: string }>();
  const requests: string[] = [];
  const violations: string[] = [];
  const intercepts: [string, Handler][] = [];
  const failures = { count: 0, status: 503 };
  let nextId = 1;

  const send = (res: ServerResponse, status: number, body: unknown, v: ValidateFunction): void => {
    if (!v(body)) violations.push(`answer ${status}: ${ajv.errorsText(v.errors)}`);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string, extra: object = {}): void =>
    send(res, status, { message, ...extra }, V.msg);
  const valid = (route: string, v: ValidateFunction, body: unknown, res: ServerResponse): boolean => {
    if (v(body)) return true;
    violations.push(`${route}: ${ajv.errorsText(v.errors)}`);
    fail(res, 400, `bad request data: ${ajv.errorsText(v.errors)}`);
    return false;
  };

  const annotationsApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method} /api/annotations`;
    if (req.method === 'GET' && url.pathname === '/api/annotations') {
      const want = url.searchParams.getAll('tags');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const hits = annotations.filter((a) => want.every((t) => a.tags.includes(t))).slice(0, limit);
      return send(res, 200, hits, V.annList);
    }
    const body = await readJson(req);
    if (req.method === 'POST' && url.pathname === '/api/annotations') {
      if (!valid(route, V.postAnn, body, res)) return;
      const b = body as Omit<StoredAnnotation, 'id' | 'timeEnd'> & { timeEnd?: number };
      const now = Date.now();
      const a = {
        ...b,
        id: nextId++,
        time: b.time ?? now,
        timeEnd: b.timeEnd ?? b.time ?? now,
        tags: b.tags ?? [],
      };
      annotations.push(a);
      return send(res, 200, { message: 'Annotation added', id: a.id }, V.postAnnRes);
    }
    const id = Number(url.pathname.split('/')[3]);
    if (req.method === 'PATCH' && Number.isInteger(id)) {
      if (!valid(`${req.method} /api/annotations/:id`, V.patchAnn, body, res)) return;
      const a = annotations.find((x) => x.id === id);
      if (!a) return fail(res, 404, 'Could not find annotation to update');
      Object.assign(a, body);
      return send(res, 200, { message: 'Annotation patched' }, V.msg);
    }
    fail(res, 404, 'Not found');
  };

  const dashboardsApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET' && url.pathname.startsWith('/api/dashboards/uid/')) {
      const d = dashboards.get(decodeURIComponent(url.pathname.slice('/api/dashboards/uid/'.length)));
      if (!d) return fail(res, 404, 'Dashboard not found', { status: 'not-found' });
      const meta = { folderUid: d.folderUid ?? '', url: `/d/${d.model.uid}`, version: d.model.version };
      return send(res, 200, { dashboard: d.model, meta }, V.dashMeta);
    }
    if (req.method !== 'POST' || url.pathname !== '/api/dashboards/db') return fail(res, 404, 'Not found');
    const body = (await readJson(req)) as {
      dashboard: Record<string, unknown> & { uid?: string; version?: number };
      folderUid?: string;
      overwrite?: boolean;
    };
    if (!valid('POST /api/dashboards/db', V.saveDash, body, res)) return;
    if (body.folderUid && !folders.has(body.folderUid)) return fail(res, 404, 'Folder not found');
    const uid = body.dashboard.uid ?? `gen${nextId++}`;
    const old = dashboards.get(uid);
    if (old && !body.overwrite && body.dashboard.version !== old.model.version) {
      return fail(res, 412, 'The dashboard has been changed by someone else', { status: 'version-mismatch' });
    }
    const version = (old?.model.version ?? 0) + 1;
    dashboards.set(uid, {
      model: { ...body.dashboard, uid, version },
      ...(body.folderUid ? { folderUid: body.folderUid } : {}),
    });
    const answer = { id: nextId++, uid, url: `/d/${uid}/x`, status: 'success', version, slug: 'x' };
    send(res, 200, answer, V.postDashRes);
  };

  const foldersApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET') {
      const f = folders.get(decodeURIComponent(url.pathname.slice('/api/folders/'.length)));
      return f ? send(res, 200, f, V.folder) : fail(res, 404, 'folder not found', { status: 'not-found' });
    }
    const body = (await readJson(req)) as { uid?: string; title: string };
    if (!valid('POST /api/folders', V.createFolder, body, res)) return;
    const uid = body.uid ?? `f${nextId}`;
    if (folders.has(uid)) return fail(res, 409, 'a folder with the same uid already exists');
    const f = { id: nextId++, uid, title: body.title, url: `/dashboards/f/${uid}/`, version: 1 };
    folders.set(uid, f);
    send(res, 200, f, V.folder);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = `${req.method} ${url.pathname}`;
    requests.push(route);
    const i = intercepts.findIndex(([r]) => r === route);
    if (i >= 0) return intercepts.splice(i, 1)[0]![1](req, res);
    if (route === 'GET /api/health')
      return send(res, 200, { commit: 'fake', database: 'ok', version: '11.1.0' }, V.health);
    if (req.headers.authorization !== `Bearer ${o.token}`) return fail(res, 401, 'invalid API key');
    if (failures.count > 0) {
      failures.count--;
      return fail(res, failures.status, 'injected failure');
    }
    if (req.method !== 'GET' && o.role === 'Viewer') {
      return fail(res, 403, "You'll need additional permissions to perform this action.");
    }
    if (url.pathname.startsWith('/api/annotations')) return annotationsApi(req, res, url);
    if (url.pathname.startsWith('/api/dashboards/')) return dashboardsApi(req, res, url);
    if (url.pathname.startsWith('/api/folders')) return foldersApi(req, res, url);
    if (req.method === 'GET' && url.pathname.startsWith('/api/datasources/uid/')) {
      const uid = decodeURIComponent(url.pathname.slice('/api/datasources/uid/'.length));
      if (!(o.datasources ?? ['argus']).includes(uid)) return fail(res, 404, 'Data source not found');
      const ds = {
        id: 1,
        uid,
        name: uid,
        type: 'prometheus',
        access: 'proxy',
        url: 'http://argus:9464',
        readOnly: true,
      };
      return send(res, 200, ds, V.ds);
    }
    fail(res, 404, 'Not found');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => fail(res, 500, err.message));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    annotations,
    dashboards,
    folders,
    requests,
    violations,
    failNext(count, status) {
      failures.count = count;
      failures.status = status;
    },
    intercept(route, handler) {
      intercepts.push([route, handler]);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
