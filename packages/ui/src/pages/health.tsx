import { useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorLine, TableHead, Time, usePoll } from '../common.js';
import { type PluginStats, throughput } from '../health.js';

interface Health {
  pipeline: { state: string; series: { active: number; rejected: number; max: number } } | null;
  alertManager: {
    alerts: number;
    silences: number;
    queued: number;
    deadLetters: number;
    listenerErrors: number;
  };
  uptimeMs: number;
}

const REFRESH_MS = 5000;
const COLS = [
  'Plugin',
  'Kind',
  'State',
  'Received',
  'Sent',
  'Throughput (/s)',
  'Dropped',
  'Errors',
  'Queue',
  'Last latency (ms)',
  'Last error',
] as const;

export function HealthPage() {
  const [health, setHealth] = useState<Health | null>(null);
  const [plugins, setPlugins] = useState<Record<string, PluginStats>>({});
  const [rates, setRates] = useState<Record<string, number>>({});
  const [error, setError] = useState('');
  // the previous poll, to turn the server's running counters into per-second rates
  const prev = useRef<{ at: number; plugins: Record<string, PluginStats> } | null>(null);

  usePoll(
    async () => {
      try {
        const [h, p] = await Promise.all([
          api.get<Health>('api/health'),
          api.get<Record<string, PluginStats>>('api/plugins'),
        ]);
        const at = Date.now();
        if (prev.current) setRates(throughput(prev.current.plugins, p, (at - prev.current.at) / 1000));
        prev.current = { at, plugins: p };
        setHealth(h);
        setPlugins(p);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    REFRESH_MS,
    [],
  );

  return (
    <section aria-labelledby="health-h">
      <h1 id="health-h">Health</h1>
      <ErrorLine error={error} />
      {health && (
        <dl class="facts">
          <dt>Pipeline</dt>
          <dd>
            {health.pipeline
              ? `${health.pipeline.state}, ${health.pipeline.series.active} series`
              : 'not attached'}
          </dd>
          <dt>Alerts</dt>
          <dd>{health.alertManager.alerts}</dd>
          <dt>Active silences</dt>
          <dd>{health.alertManager.silences}</dd>
          <dt>Notifications queued</dt>
          <dd>{health.alertManager.queued}</dd>
          <dt>Dead letters</dt>
          <dd>{health.alertManager.deadLetters}</dd>
        </dl>
      )}
      <table aria-label="Plugins">
        <TableHead cols={COLS} />
        <tbody>
          {Object.entries(plugins).map(([name, s]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{s.kind}</td>
              <td>{s.errors > 0 ? 'errors' : 'ok'}</td>
              <td>{s.received}</td>
              <td>{s.sent}</td>
              <td>{rates[name] === undefined ? '…' : rates[name].toFixed(1)}</td>
              <td>{s.dropped}</td>
              <td>{s.errors}</td>
              <td>{s.queueDepth}</td>
              <td>{s.latencyMs.lastMs.toFixed(1)}</td>
              <td class="last-error">
                {s.lastError ? (
                  <>
                    <Time t={s.lastError.at} />{' '}
                    {/* the message names the plugin and hook already: `[name:hook] …` */}
                    <span title={s.lastError.code}>{s.lastError.message}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
