// A local stand-in for the Ollama server, written from the documented API (ollama/ollama docs/api.md,
// server/routes.go): GET /, /api/version, /api/tags, POST /api/chat (NDJSON stream when `stream` is absent or
// true, one JSON object when false), JSON errors `{"error":…}`, Gin's plain-text 404 for unknown paths.
// Each chat request takes the next scripted answer; requests are recorded as the server parsed them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one chat request. */
export type Script =
  | { readonly kind: 'answer'; readonly content: string }
  /** Streams `content` in pieces, then closes without the `done` line (or, unstreamed, sends half a body). */
  | { readonly kind: 'truncate'; readonly content: string }
  /** Sends the status line and the first piece, then destroys the connection. */
  | { readonly kind: 'die'; readonly content: string }
  /** An error status before anything is sent. */
  | { readonly kind: 'status'; readonly status: number; readonly error: string }
  /** 200, one piece, then an `{"error":…}` line (how the server reports a failure mid-stream). */
  | { readonly kind: 'midError'; readonly error: string }
  /** Never answers; the request ends when the client gives up. */
  | { readonly kind: 'hang' };

/** A chat request as the server received it. */
export interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** The running fake. */
export interface FakeOllama {
  readonly url: string;
  /** Model names `/api/tags` lists. */
  models: string[];
  /** While true every connection is dropped unanswered (a server that is down or unreachable). */
  down: boolean;
  /** Answers for the next chat requests, in order; when empty the server answers `fallback`. */
  readonly script: Script[];
  fallback: Script;
  readonly received: Received[];
  /** Requests now waiting on a `hang` script. */
  hanging(): number;
  /** Drops the connections of the requests waiting on a `hang` script (a server that dies). */
  dropHanging(): void;
  close(): Promise<void>;
}

const now = (): string => new Date().toISOString();

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function chatLine(model: string, content: string, done: boolean): string {
  const base = { model, created_at: now(), message: { role: 'assistant', content }, done };
  const stats = { done_reason: 'stop', total_duration: 5_000_000, prompt_eval_count: 40, eval_count: 20 };
  return `${JSON.stringify(done ? { ...base, ...stats } : base)}\n`;
}

function pieces(text: string): string[] {
  const n = Math.max(1, Math.ceil(text.length / 3));
  return [text.slice(0, n), text.slice(n, 2 * n), text.slice(2 * n)].filter((p) => p.length > 0);
}

type Bodied = Extract<Script, { content: string }>;

/** One JSON object; truncated or dying, half of it. */
function answerWhole(res: ServerResponse, model: string, s: Bodied): void {
  const body = chatLine(model, s.content, true);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  if (s.kind === 'answer') return void res.end(body);
  res.write(body.slice(0, body.length >> 1));
  if (s.kind === 'die') res.destroy();
  else res.end();
}

/** NDJSON pieces and a `done` line; truncated: the first pieces only; dying: one piece, then the socket drops. */
function answerStream(res: ServerResponse, model: string, s: Bodied): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const ps = pieces(s.content);
  if (s.kind === 'die') {
    res.write(chatLine(model, ps[0] ?? '', false));
    setImmediate(() => res.destroy());
    return;
  }
  for (const p of s.kind === 'answer' ? ps : ps.slice(0, -1)) res.write(chatLine(model, p, false));
  res.end(s.kind === 'answer' ? chatLine(model, '', true) : undefined);
}

function answerChat(
  res: ServerResponse,
  model: string,
  stream: boolean,
  s: Script,
  hang: Set<ServerResponse>,
): void {
  if (s.kind === 'status') return void json(res, s.status, { error: s.error });
  if (s.kind === 'hang') {
    hang.add(res);
    res.on('close', () => hang.delete(res));
    return;
  }
  if (s.kind === 'midError') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(chatLine(model, '{"is_', false));
    res.end(`${JSON.stringify({ error: s.error })}\n`);
    return;
  }
  if (stream) answerStream(res, model, s);
  else answerWhole(res, model, s);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeOllama(models: string[] = ['qwen2.5:3b']): Promise<FakeOllama> {
  const hang = new Set<ServerResponse>();
  const fake: FakeOllama = {
    url: '',
    models,
    down: false,
    script: [],
    fallback: { kind: 'hang' },
    received: [],
    hanging: () => hang.size,
    dropHanging: () => {
      for (const r of hang) r.destroy();
    },
    close: async () => {
      for (const r of hang) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    void route(fake, req, res, hang);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  return fake;
}

function tags(models: readonly string[]): unknown {
  return {
    models: models.map((name) => ({
      name,
      model: name,
      modified_at: '2025-01-01T10:00:00Z',
      size: 2_019_393_189,
      digest: 'a80c4f17acd5',
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'qwen2',
        families: ['qwen2'],
        parameter_size: '3.1B',
        quantization_level: 'Q4_K_M',
      },
    })),
  };
}

async function route(
  fake: FakeOllama,
  req: IncomingMessage,
  res: ServerResponse,
  hang: Set<ServerResponse>,
): Promise<void> {
  if (fake.down) return void req.socket.destroy();
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'GET' && path === '/') return void res.end('Ollama is running');
  if (req.method === 'GET' && path === '/api/version') return json(res, 200, { version: '0.12.0' });
  if (req.method === 'GET' && path === '/api/tags') return json(res, 200, tags(fake.models));
  if (req.method !== 'POST' || path !== '/api/chat') {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return void res.end('404 page not found');
  }
  const text = await readBody(req);
  if (text.length === 0) return json(res, 400, { error: 'missing request body' });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return json(res, 400, { error: (err as Error).message });
  }
  fake.received.push({ path, body });
  const model = body['model'];
  if (typeof model !== 'string' || model === '') return json(res, 400, { error: 'model is required' });
  if (!fake.models.includes(model)) return json(res, 404, { error: `model '${model}' not found` });
  // `stream` is a pointer in the server's request type: absent means true
  const stream = body['stream'] !== false;
  answerChat(res, model, stream, fake.script.shift() ?? fake.fallback, hang);
}
