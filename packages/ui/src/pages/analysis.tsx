// Historical analysis: run a rule backtest over a range of the stored history (operators), follow its progress,
// cancel it, and see when the rules would have fired — shaded over the series they read, a timeline per alert and
// every state change in a table.
// Viewers see the jobs and their results but get no form. Below: trends and forecasts per series group.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import {
  type BacktestAsked,
  type BacktestResult,
  firingSpans,
  type JobView,
  jobBody,
  type PromqlSelector,
  progressShare,
  progressText,
  timelineLanes,
  transitionsCsv,
  transitionsFileName,
} from '../backtest.js';
import { EmptyRow, ErrorLine, mayOperate, TableHead, Time, usePoll } from '../common.js';
import { download } from '../export.js';
import { labelText, localInput } from '../format.js';
import { followJob } from '../job-follow.js';
import { BacktestChart } from './backtest-chart.js';
import { TrendsPanel } from './trends.js';

const LIST_REFRESH_MS = 5000;
const JOB_COLS = ['Started', 'Range', 'State', 'By'];
const CHANGE_COLS = ['Time', 'Alert', 'State'];

export function AnalysisPage({ session }: { session: Session }) {
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [shownId, setShownId] = useState<string | null>(null);
  // what this page asked of the jobs it started: the series to draw their firing over (the job view does not say)
  const [asked, setAsked] = useState<Record<string, BacktestAsked>>({});
  const [error, setError] = useState('');

  const loadList = useCallback(async () => {
    try {
      setJobs(await api.get<JobView[]>('api/analysis/jobs'));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  usePoll(loadList, LIST_REFRESH_MS, [loadList]);

  return (
    <section aria-labelledby="page-h">
      <h1 id="page-h">Historical analysis</h1>
      {mayOperate(session) && (
        <StartForm
          onStarted={(job, what) => {
            setAsked((a) => ({ ...a, [job.id]: what }));
            setShownId(job.id);
            void loadList();
          }}
        />
      )}
      <ErrorLine error={error} />
      {shownId && (
        <JobPanel
          key={shownId}
          id={shownId}
          asked={asked[shownId]}
          canCancel={mayOperate(session)}
          onEnd={loadList}
        />
      )}
      <h2 id="jobs-h">Jobs</h2>
      <table aria-labelledby="jobs-h">
        <TableHead cols={JOB_COLS} />
        <tbody>
          {jobs.length === 0 && <EmptyRow cols={JOB_COLS.length} text="No analysis jobs yet." />}
          {jobs.map((j) => (
            <tr key={j.id} data-job={j.id}>
              <td>
                <button type="button" class="link" onClick={() => setShownId(j.id)}>
                  <Time t={j.createdAt} />
                </button>
              </td>
              <td>
                <Time t={j.from} /> – <Time t={j.to} />
              </td>
              <td>{j.state}</td>
              <td>{j.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TrendsPanel />
    </section>
  );
}

/** The expression's first series selector, from the server's PromQL parser; undefined when it cannot say. */
async function firstSelector(expr: string): Promise<PromqlSelector | undefined> {
  try {
    const q = new URLSearchParams({ expr });
    return (await api.get<{ selectors: PromqlSelector[] }>(`api/promql/selectors?${q}`)).selectors[0];
  } catch {
    // an older server, or an expression it reads differently: the chart falls back to the expression's text
    return undefined;
  }
}

function StartForm({ onStarted }: { onStarted: (job: JobView, asked: BacktestAsked) => void }) {
  const [kind, setKind] = useState<'expr' | 'rules'>('expr');
  const [text, setText] = useState('');
  const [range, setRange] = useState(() => ({
    from: localInput(Date.now() - 3_600_000),
    to: localInput(Date.now() + 60_000),
  }));
  const [intervalS, setIntervalS] = useState('60');
  const [match, setMatch] = useState('');
  const [error, setError] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const from = new Date(range.from).getTime();
    const to = new Date(range.to).getTime();
    if (!(from < to)) return setError('From must be before To.');
    try {
      const body = jobBody({ kind, text, from, to, intervalS: Number(intervalS), match });
      const job = await api.post<JobView>('api/analysis/jobs', body);
      onStarted(job, {
        ...(kind === 'expr' ? { expr: text, selector: await firstSelector(text) } : {}),
        match,
      });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="panel" aria-label="Backtest" onSubmit={submit}>
      <label>
        Rules from{' '}
        <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'expr' | 'rules')}>
          <option value="expr">an expression</option>
          <option value="rules">a rule file</option>
        </select>
      </label>
      {kind === 'expr' ? (
        <label class="wide">
          Expression{' '}
          <input
            name="expr"
            required
            placeholder='cpu_usage{host="db-1"} > 0.8'
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
      ) : (
        <label class="wide">
          Rule file{' '}
          <textarea
            name="rules"
            required
            rows={6}
            placeholder="groups: [...] (Prometheus rule file, YAML or JSON)"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
      )}
      {(['from', 'to'] as const).map((end) => (
        <label key={end}>
          {end === 'from' ? 'From' : 'To'}{' '}
          <input
            type="datetime-local"
            name={end}
            required
            value={range[end]}
            onInput={(e) => setRange({ ...range, [end]: e.currentTarget.value })}
          />
        </label>
      ))}
      {kind === 'expr' && (
        <label>
          Every (s){' '}
          <input
            type="number"
            name="interval"
            min={1}
            required
            value={intervalS}
            onInput={(e) => setIntervalS(e.currentTarget.value)}
          />
        </label>
      )}
      <label>
        Series selector{' '}
        <input
          name="match"
          placeholder="optional selector, e.g. {host=&quot;db-1&quot;}"
          value={match}
          onInput={(e) => setMatch(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Run backtest</button>
      <ErrorLine error={error} />
    </form>
  );
}

/** One job: followed while it runs (live events, else long polls), then its result. */
function JobPanel({
  id,
  asked,
  canCancel,
  onEnd,
}: {
  id: string;
  asked: BacktestAsked | undefined;
  canCancel: boolean;
  onEnd: () => void;
}) {
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState('');

  // live `job` events where the page gets them, long polls where it does not
  useEffect(
    () =>
      followJob(id, {
        events: typeof EventSource === 'function' ? () => new EventSource('api/events') : undefined,
        get: (waitMs) => api.get<JobView>(`api/analysis/jobs/${id}?waitMs=${waitMs}`),
        onJob: setJob,
        onEnd,
        onError: setError,
      }),
    [id],
  );

  const cancel = () =>
    api.del<JobView>(`api/analysis/jobs/${id}`).then(setJob, (e: Error) => setError(e.message));
  if (!job) return <ErrorLine error={error} />;
  const share = progressShare(job);
  return (
    <section class="job" aria-label="Backtest job" data-job={id} data-state={job.state}>
      <h2>
        Backtest <Time t={job.from} /> – <Time t={job.to} />
      </h2>
      <div class="row">
        {/* no value while the total is unknown: an indeterminate bar */}
        <progress aria-label="Progress" max={1} value={share} />
        <span class="progress-text" role="status">
          {progressText(job)}
        </span>
        {canCancel && job.state === 'running' && (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      <ErrorLine error={error} />
      {job.result && <Result result={job.result} from={job.from} to={job.to} asked={asked} />}
    </section>
  );
}

function Result({
  result,
  from,
  to,
  asked,
}: {
  result: BacktestResult;
  from: number;
  to: number;
  asked: BacktestAsked | undefined;
}) {
  const spans = useMemo(() => firingSpans(result.transitions, to), [result, to]);
  const { counts } = result;
  return (
    <>
      <p class="summary">
        {result.evaluations} evaluations; would have fired{' '}
        {spans.length === 1 ? 'once' : `${spans.length} times`} ({counts.pending} pending, {counts.firing}{' '}
        firing, {counts.resolved} resolved).
      </p>
      {result.ruleErrors.map((e) => (
        <p key={e} class="error">
          {e}
        </p>
      ))}
      <BacktestChart spans={spans} from={from} to={to} asked={asked} />
      <Timeline spans={spans} from={from} to={to} />
      <div class="row">
        <button
          type="button"
          onClick={() => download(transitionsFileName({ from, to }), 'text/csv', transitionsCsv(result))}
        >
          Export CSV
        </button>
      </div>
      <table aria-label="State changes">
        <TableHead cols={CHANGE_COLS} />
        <tbody>
          {result.transitions.length === 0 && (
            <EmptyRow cols={CHANGE_COLS.length} text="The rules would not have fired in this range." />
          )}
          {result.transitions.map((t) => (
            <tr key={`${t.at}-${t.alert.fingerprint}-${t.alert.state}`} data-state={t.alert.state}>
              <td>
                <Time t={t.at} />
              </td>
              <td class="labels">{labelText(t.alert.labels)}</td>
              <td>{t.alert.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const LANE_PX = 18;
const WIDTH = 1000;

/** A lane per alert over the range, a bar where it would have been firing. */
function Timeline({ spans, from, to }: { spans: ReturnType<typeof firingSpans>; from: number; to: number }) {
  const lanes = timelineLanes(spans);
  if (lanes.length === 0) return null;
  const x = (t: number) => ((Math.min(Math.max(t, from), to) - from) / (to - from)) * WIDTH;
  return (
    <figure class="timeline">
      <svg
        class="timeline"
        role="img"
        aria-label={`Firing timeline: ${spans.length} firing spans over ${lanes.length} alerts`}
        viewBox={`0 0 ${WIDTH} ${lanes.length * LANE_PX}`}
        preserveAspectRatio="none"
        height={lanes.length * LANE_PX}
      >
        {lanes.map((lane, i) =>
          lane.spans.map((s) => (
            <rect
              key={`${i}-${s.start}`}
              class="firing"
              x={x(s.start)}
              y={i * LANE_PX + 3}
              width={Math.max(2, x(s.end) - x(s.start))}
              height={LANE_PX - 6}
            >
              <title>
                {labelText(lane.labels)} firing {new Date(s.start).toISOString()} –{' '}
                {s.open ? 'end of range' : new Date(s.end).toISOString()}
              </title>
            </rect>
          )),
        )}
      </svg>
      <figcaption class="muted row">
        <Time t={from} /> <span>firing, one lane per alert</span> <Time t={to} />
      </figcaption>
    </figure>
  );
}
