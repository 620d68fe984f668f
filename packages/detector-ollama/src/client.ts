import { httpFetch } from '@argus/core';
import { Ollama } from 'ollama';
import type { ChatMessage } from './prompt.js';

/** The server's answer text and what it cost. */
export interface ChatAnswer {
  readonly text: string;
  /** Prompt plus answer tokens, as the server reported them (0 when it did not). */
  readonly tokens: number;
  /** The stream ended without its `done` line: `text` is what arrived. */
  readonly truncated?: boolean;
}

/** One chat request with a JSON-schema `format`. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly format: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  readonly keepAlive: string | number;
  readonly stream: boolean;
}

/** The host the plugin talks to: the option, else OLLAMA_HOST (the npm client does not read it), else the default. */
export function resolveHost(host: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return host ?? (env['OLLAMA_HOST'] || 'http://127.0.0.1:11434');
}

/**
 * A client whose every request stops when `signal` aborts. The `ollama` client has no per-call signal, so it
 * gets a fetch that adds one; a client is cheap (it holds only its config), so each call builds its own.
 */
export function clientFor(host: string, signal: AbortSignal): Ollama {
  const withSignal: typeof fetch = (url, init) =>
    httpFetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
  return new Ollama({ host, fetch: withSignal });
}

function tokensOf(r: { prompt_eval_count?: number; eval_count?: number }): number {
  return (r.prompt_eval_count ?? 0) + (r.eval_count ?? 0);
}

/** Sends one chat request; rejects on transport errors, error answers, truncated streams and `signal`. */
export async function chat(host: string, req: ChatRequest, signal: AbortSignal): Promise<ChatAnswer> {
  const client = clientFor(host, signal);
  const base = {
    model: req.model,
    messages: req.messages.map((m) => ({ ...m })),
    format: req.format,
    options: req.options,
    keep_alive: req.keepAlive,
  };
  if (!req.stream) {
    const r = await client.chat({ ...base, stream: false });
    return { text: r.message.content, tokens: tokensOf(r) };
  }
  const parts: string[] = [];
  let tokens = 0;
  try {
    for await (const part of await client.chat({ ...base, stream: true })) {
      parts.push(part.message.content);
      if (part.done) tokens = tokensOf(part);
    }
  } catch (err) {
    // the client throws this when the stream ends cleanly but without its `done` line: an incomplete answer,
    // handled like an invalid one. An `{"error":…}` line or a dropped connection stays a failure.
    if (signal.aborted || !/did not receive done/i.test((err as Error).message)) throw err;
    return { text: parts.join(''), tokens, truncated: true };
  }
  return { text: parts.join(''), tokens };
}

/** The models the server has (`/api/tags`). */
export async function listModels(host: string, signal: AbortSignal): Promise<string[]> {
  const r = await clientFor(host, signal).list();
  return r.models.flatMap((m) => [m.name, m.model]);
}

/** Whether `model` is among `names`; a name without a tag means `:latest`, as Ollama reads it. */
export function hasModel(names: readonly string[], model: string): boolean {
  const want = model.includes(':') ? model : `${model}:latest`;
  return names.some((n) => n === model || n === want);
}
