// The real inference engine behind the stand-in: node-llama-cpp's prebuilt CPU llama.cpp (no compiling, no
// download), one context sequence, requests served one at a time as Ollama does with OLLAMA_NUM_PARALLEL=1.
import {
  getLlama,
  type Llama,
  LlamaCompletion,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
  TokenBias,
} from 'node-llama-cpp';

/**
 * How the random model's choices are nudged. `tame` forbids non-ASCII bytes and strongly favours `"`, then `0`,
 * so a random model closes its strings at once and writes zeros: answers of about 200 tokens that pass
 * validation. `none` leaves it random: long strings and numbers like 2222222222222222 that fail it.
 */
export type Bias = 'tame' | 'none';

/** What one generation needs. */
export interface Generate {
  readonly prompt: string;
  /** A JSON schema, `'json'`, or nothing for free text. */
  readonly format: unknown;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly seed: number | undefined;
  readonly bias: Bias;
  readonly signal: AbortSignal;
  readonly onText: (text: string) => void;
}

/** What one generation produced. */
export interface Generated {
  readonly text: string;
  readonly promptTokens: number;
  readonly evalTokens: number;
  readonly doneReason: 'stop' | 'length';
}

/** A loaded model and a queue in front of its one sequence. */
export interface Engine {
  generate(g: Generate): Promise<Generated>;
  close(): Promise<void>;
}

// the vocabulary of gguf.ts: 3 special tokens, then 256 byte tokens, then `▁` and printable ASCII from `!`
const BYTE0 = 3;
const tokenOf = (ch: string): Token => (BYTE0 + 256 + 1 + (ch.charCodeAt(0) - 0x21)) as Token;

function tameBias(model: LlamaModel): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  for (let b = 0x80; b <= 0xff; b++) bias.set((BYTE0 + b) as Token, 'never');
  // far above the random logits (of order 1), `"` above `0`: a string gets its one required character, then
  // closes; a number is all zeros. Every schema-valid shape stays reachable, the answer stays short.
  bias.set(tokenOf('"'), { logit: 40 });
  bias.set(tokenOf('0'), { logit: 20 });
  return bias;
}

/** Loads the model at `modelPath` on the CPU with `threads` threads (1 on a loaded test machine). */
export async function loadEngine(
  modelPath: string,
  { threads = 1, contextSize = 8192 }: { threads?: number; contextSize?: number } = {},
): Promise<Engine> {
  const llama: Llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, threads, sequences: 1 });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const tame = tameBias(model);
  let queue: Promise<unknown> = Promise.resolve();

  const grammarFor = (format: unknown): Promise<LlamaGrammar> | undefined => {
    if (format === undefined || format === null || format === '') return undefined;
    const key = JSON.stringify(format);
    let g = grammars.get(key);
    if (!g) {
      g =
        format === 'json'
          ? llama.getGrammarFor('json')
          : llama.createGrammarForJsonSchema(format as Parameters<Llama['createGrammarForJsonSchema']>[0]);
      grammars.set(key, g);
      g.catch(() => grammars.delete(key));
    }
    return g;
  };

  const run = async (g: Generate): Promise<Generated> => {
    const grammar = await grammarFor(g.format);
    let evalTokens = 0;
    const r = await completion.generateCompletionWithMeta(g.prompt, {
      ...(grammar ? { grammar } : {}),
      maxTokens: g.maxTokens,
      temperature: g.temperature,
      ...(g.seed !== undefined ? { seed: g.seed } : {}),
      ...(g.bias === 'tame' ? { tokenBias: tame } : {}),
      signal: g.signal,
      onToken: (t) => void (evalTokens += t.length),
      onTextChunk: g.onText,
    });
    return {
      text: r.response,
      promptTokens: model.tokenize(g.prompt).length,
      evalTokens,
      doneReason: r.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
    };
  };

  return {
    generate(g) {
      const next = queue.then(() => (g.signal.aborted ? Promise.reject(g.signal.reason) : run(g)));
      queue = next.catch(() => {});
      return next;
    },
    async close() {
      await queue;
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
