// Awaits before and after ONE completed request, in a fresh process: node bench/http/await-tax.mjs <none|fetch|node>
// prints CPU ms of 300,000 awaited async-call chains and of 300,000 `await new Promise` before and after it.
import { createServer } from 'node:http';

const mode = process.argv[2];
const server = createServer((_req, res) => res.end('ok'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function leaf(i) {
  return i;
}
async function mid(i) {
  return (await leaf(i)) + 1;
}
async function chain(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += await mid(i);
  return x;
}
async function newP(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += await new Promise((r) => r(i));
  return x;
}
const m = async (f) => {
  const t = cpu();
  await f(300_000);
  return +(cpu() - t).toFixed(1);
};
await chain(300_000);
await newP(300_000);
const before = [await m(chain), await m(newP)];
if (mode === 'fetch') await (await fetch(url)).text();
if (mode === 'node') {
  const { httpFetch } = await import('@argus/core');
  await (await httpFetch(url)).text();
}
const after = [await m(chain), await m(newP)];
console.log(mode, 'before', before, 'after', after);
server.close();
