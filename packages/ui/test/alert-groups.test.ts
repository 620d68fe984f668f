import { describe, expect, it } from 'vitest';
import { routingByAlert } from '../src/alert-groups.js';

describe('routingByAlert', () => {
  it('lists each alert’s groups and receivers once, in order, across routes', () => {
    const r = routingByAlert([
      {
        labels: { alertname: 'A' },
        receiver: { name: 'ops' },
        alerts: [{ fingerprint: 'f1' }, { fingerprint: 'f2' }],
      },
      { labels: { team: 'db' }, receiver: { name: 'db-pager' }, alerts: [{ fingerprint: 'f1' }] },
      { labels: { team: 'db', cluster: 'eu' }, receiver: { name: 'ops' }, alerts: [{ fingerprint: 'f1' }] },
      { labels: {}, receiver: { name: 'ops' }, alerts: [] },
    ]);
    expect(r.get('f1')).toEqual({
      groups: ['{alertname="A"}', '{team="db"}', '{cluster="eu", team="db"}'],
      receivers: ['ops', 'db-pager'],
    });
    expect(r.get('f2')).toEqual({ groups: ['{alertname="A"}'], receivers: ['ops'] });
    expect(r.has('f3')).toBe(false);
  });
});
