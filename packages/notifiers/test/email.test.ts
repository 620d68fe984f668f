import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleNotification as sample, testNotifier } from '@argus/alerting/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailNotifier } from '../src/index.js';

const PASS = 'PASSWORD-SECRET';

describe('email over SMTP (a real SMTP server on loopback: smtp-server)', () => {
  const mails: { from: string; to: string[]; raw: string; user?: string }[] = [];
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth(auth, _s, cb) {
        if (auth.password === PASS) cb(null, { user: auth.username });
        else cb(Object.assign(new Error(`Invalid credentials for ${auth.username}`), { responseCode: 535 }));
      },
      onRcptTo(addr, _s, cb) {
        if (addr.address.startsWith('busy'))
          cb(Object.assign(new Error('mailbox busy, try later'), { responseCode: 450 }));
        else if (addr.address.startsWith('nobody'))
          cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
        else cb();
      },
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            ...(session.user ? { user: String(session.user) } : {}),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const ctx = () => ({ signal: new AbortController().signal });
  const make = (to: string, pass = PASS) =>
    emailNotifier({
      host: '127.0.0.1',
      port,
      auth: { user: 'argus', pass },
      from: 'argus@example.test',
      to,
      timeoutMs: 5000,
    });

  it('sends one mail per notification, authenticated, with the title as subject and a line per alert', async () => {
    expect(await make('ops@example.test').send(sample(), ctx())).toEqual({ ok: true });
    const m = mails.at(-1)!;
    expect(m).toMatchObject({ from: 'argus@example.test', to: ['ops@example.test'], user: 'argus' });
    expect(m.raw).toContain('Subject: [FIRING:2] DBDown');
    expect(m.raw).toContain('FIRING: db1 is down (instance=db1)');
  });

  it('SMTP 4xx is retryable, 5xx is not, a refused connection is retryable; the password never shows', async () => {
    const busy = await make('busy@example.test').send(sample(), ctx());
    const nobody = await make('nobody@example.test').send(sample(), ctx());
    const badAuth = await make('ops@example.test', 'WRONG-SECRET').send(sample(), ctx());
    const down = await emailNotifier({
      host: '127.0.0.1',
      port: 9,
      from: 'a@b.c',
      to: 'ops@example.test',
      auth: { user: 'u', pass: PASS },
    }).send(sample(), ctx());
    expect(busy).toMatchObject({ ok: false, retryable: true });
    expect(nobody).toMatchObject({ ok: false, retryable: false });
    expect(badAuth).toMatchObject({ ok: false, retryable: false });
    expect(down).toMatchObject({ ok: false, retryable: true });
    for (const r of [busy, nobody, badAuth, down]) if (!r.ok) expect(r.error.message).not.toMatch(/SECRET/);
  });

  it('reads auth.passFile at each send, so a rotated password is used without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-'));
    const file = join(dir, 'pass');
    writeFileSync(file, 'WRONG-SECRET\n');
    const n = emailNotifier({
      host: '127.0.0.1',
      port,
      auth: { user: 'argus', passFile: file },
      from: 'argus@example.test',
      to: 'ops@example.test',
      timeoutMs: 5000,
    });
    const before = await n.send(sample(), ctx());
    writeFileSync(file, `${PASS}\n`);
    const after = await n.send(sample(), ctx());
    expect(before).toMatchObject({ ok: false, retryable: false });
    if (!before.ok) expect(before.error.message).not.toMatch(/SECRET/);
    expect(after).toEqual({ ok: true });
  });

  testNotifier(
    () => emailNotifier({ host: '127.0.0.1', port, from: 'argus@example.test', to: 'ops@example.test' }),
    {
      badOptions: () => emailNotifier({ host: '', from: 'a@b.c', to: 'x@y.z' }),
    },
  );

  it('refuses bad options naming the field', () => {
    expect(() => emailNotifier({ host: '', from: 'a@b.c', to: 'x@y.z' })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('host') }),
    );
  });
});
