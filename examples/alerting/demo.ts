// pnpm --filter example-alerting start
import { runDemo } from './run.js';

await runDemo();
