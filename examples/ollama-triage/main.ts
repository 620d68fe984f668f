// pnpm --filter example-ollama-triage start   (OLLAMA_HOST and OLLAMA_MODEL to change the defaults)
import { runTriage } from './triage.js';

const host = process.env.OLLAMA_HOST || 'http://127.0.0.1:11434';
const model = process.env.OLLAMA_MODEL || 'qwen2.5:3b';
const r = await runTriage(host, model);
console.log(
  `${r.findings.length} findings, ${r.judged.length} verdicts, ${r.reviews} scheduled reviews, ${r.stored} samples stored (model: ${r.model === 'used' ? model : 'none'})`,
);
