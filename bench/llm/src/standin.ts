// An Ollama-API stand-in over a real inference engine: GET /, /api/version, /api/tags, POST /api/chat
// (streamed NDJSON unless `stream: false`, `format` = a JSON schema or "json" → a llama.cpp grammar,
// `options.num_predict|temperature|seed`). A client that disconnects aborts its generation. The official
// `ollama` npm client works against it unchanged. Not a server to deploy: loopback, one model, one sequence.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bias, type Engine, type Generated, loadEngine } from './engine.js';

/** Options of {@link startOllamaStandin}. */
export interface StandinOptions {
  /** The GGUF file to serve (e.g. from `writeTinyModel`). */
  readonly modelPath: string;
  /** The name `/api/tags` lists and `/api/chat` accepts. @default 'argus-tiny:latest' */
  readonly model?: string;
  /** CPU threads; 1 keeps a loaded test machine responsive. @default 1 */
  readonly threads?: number;
  /** @default 'tame' */
  readonly bias?: Bias;
}

/** A running stand-in. */
export interface OllamaStandin {
  readonly url: string;
  readonly model: string;
  /** Can be changed between requests. */
  bias: Bias;
  /** Chat requests received. */
  readonly requests: number;
  /** Generations stopped because their client went away. */
  readonly aborted: number;
  /** Chat requests now being answered or queued. */
  inFlight(): number;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
  stream?: unknown;
  format?: unknown;
  options?: { num_predict?: unknown; temperature?: unknown; seed?: unknown };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A plain transcript; the tiny model has no chat template, and its answers are random anyway. */
function promptOf(messages: NonNullable<ChatBody['messages']>): string {
  return `${messages.map((m) => `${String(m.role)}: ${String(m.content)}`).join('\n')}\nassistant: `;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function doneLine(model: string, content: string, g: Generated, ns: number): Record<string, unknown> {
  return {
    model,
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content },
    done: true,
    done_reason: g.doneReason,
    total_duration: ns,
    prompt_eval_count: g.promptTokens,
    eval_count: g.evalTokens,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Loads the model and serves it on 127.0.0.1 and a free port. */
export async function startOllamaStandin(o: StandinOptions): Promise<OllamaStandin> {
  const engine: Engine = await loadEngine(o.modelPath, { threads: o.threads ?? 1 });
  const model = o.model ?? 'argus-tiny:latest';
  let requests = 0;
  let aborted = 0;
  let inFlight = 0;

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: ChatBody;
    try {
      body = JSON.parse(await readBody(req)) as ChatBody;
    } catch (err) {
      return json(res, 400, { error: (err as Error).message });
    }
    requests++;
    if (body.model !== model && `${String(body.model)}:latest` !== model)
      return json(res, 404, { error: `model '${String(body.model)}' not found` });
    if (!Array.isArray(body.messages)) return json(res, 400, { error: 'messages are required' });
    const stream = body.stream !== false; // absent means true, as in Ollama
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('client disconnected'));
    });
    const t0 = process.hrtime.bigint();
    const predict = num(body.options?.num_predict);
    if (stream) res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (content: string): string =>
      `${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done: false })}\n`;
    inFlight++;
    try {
      const g = await engine.generate({
        prompt: promptOf(body.messages),
        format: body.format,
        maxTokens: predict !== undefined && predict > 0 ? predict : 2048,
        temperature: num(body.options?.temperature) ?? 0.8,
        seed: num(body.options?.seed),
        bias: standin.bias,
        signal: gone.signal,
        onText: (t) => stream && res.write(line(t)),
      });
      const ns = Number(process.hrtime.bigint() - t0);
      if (stream) res.end(`${JSON.stringify(doneLine(model, '', g, ns))}\n`);
      else json(res, 200, doneLine(model, g.text, g, ns));
    } catch (err) {
      if (gone.signal.aborted) {
        aborted++;
        return;
      }
      // a schema the grammar converter refuses, or an engine failure: Ollama's error shape
      if (stream) res.end(`${JSON.stringify({ error: (err as Error).message })}\n`);
      else json(res, 500, { error: (err as Error).message });
    } finally {
      inFlight--;
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/') return void res.end('Ollama is running');
    if (req.method === 'GET' && path === '/api/version') return json(res, 200, { version: '0.12.0' });
    if (req.method === 'GET' && path === '/api/tags')
      return json(res, 200, { models: [{ name: model, model, size: 0, details: { format: 'gguf' } }] });
    if (req.method === 'POST' && path === '/api/chat') return void chat(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const standin: OllamaStandin = {
    url: `http://127.0.0.1:${port}`,
    model,
    bias: o.bias ?? 'tame',
    get requests() {
      return requests;
    },
    get aborted() {
      return aborted;
    },
    inFlight: () => inFlight,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
  return standin;
}
