import type { LabelMatcher } from '@argus/core';
import { optionsError } from '@argus/core';
import { z } from 'zod';
import { amMatchers, matchersString } from './matchers.js';
import type { LegacyNotifier, Notifier } from './model.js';
import { compileTimeIntervals, type TimeRangeSpec } from './time-intervals.js';

/** A route of the routing tree; children inherit what they leave unset. */
export interface RouteConfig {
  /** Required on the root. */
  receiver?: string;
  /** Alertmanager matchers, ANDed: `team="db"`, `severity=~"crit.*"`. Not on the root. */
  matchers?: string[];
  /** Deprecated Alertmanager form: label → value. */
  match?: Record<string, string>;
  /** Deprecated Alertmanager form: label → regex. */
  matchRe?: Record<string, string>;
  /** Labels to group by; `['...']` groups by all labels (one group per alert). @default [] (one group per route) */
  groupBy?: string[];
  /** @default 30000 */
  groupWaitMs?: number;
  /** @default 300000 */
  groupIntervalMs?: number;
  /** @default 14400000 (4 h) */
  repeatIntervalMs?: number;
  /** Keep trying later siblings after this route matched. @default false */
  continue?: boolean;
  /** Names of time intervals during which nothing is sent (not on the root). */
  muteTimeIntervals?: string[];
  /** Names of time intervals outside of which nothing is sent (not on the root). */
  activeTimeIntervals?: string[];
  routes?: RouteConfig[];
}

/** A receiver: a name and the integrations it sends to. */
export interface ReceiverConfig {
  name: string;
  /** Integrations, each built by a notifier factory, e.g. `webhookNotifier({ url })`. */
  notifiers?: (Notifier | LegacyNotifier)[];
  /** Storm cap: at most `maxNotifications` per `windowMs` to this receiver; the rest wait (and coalesce per group). */
  storm?: { maxNotifications: number; windowMs: number };
}

/** An inhibition rule: firing alerts matching `sourceMatchers` mute alerts matching `targetMatchers` with equal `equal` labels. */
export interface InhibitRuleConfig {
  sourceMatchers: string[];
  targetMatchers: string[];
  equal?: string[];
}

/** Routing, receivers, inhibition and time intervals: Alertmanager's configuration as a TS object. */
export interface AlertManagerConfig {
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibitRules?: InhibitRuleConfig[];
  timeIntervals?: { name: string; timeIntervals: TimeRangeSpec[] }[];
}

/** A compiled route. */
export interface Route {
  /** Position in the tree (`route.routes[0]`): unique, unlike `key` when siblings have equal matchers. */
  readonly id: string;
  readonly key: string;
  readonly matchers: LabelMatcher[];
  readonly receiver: string;
  /** `'all'` for `...`. */
  readonly groupBy: readonly string[] | 'all';
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly continue: boolean;
  readonly muted: (ms: number) => boolean;
  readonly children: Route[];
}

/** The configuration compiled for the dispatcher. */
export interface CompiledConfig {
  readonly root: Route;
  readonly receivers: Map<string, ReceiverConfig>;
  readonly inhibit: { source: LabelMatcher[]; target: LabelMatcher[]; equal: string[] }[];
}

const ms = z.number().int().nonnegative();
const routeSchema: z.ZodType<RouteConfig> = z.lazy(() =>
  z
    .object({
      receiver: z.string().min(1).optional(),
      matchers: z.array(z.string()).optional(),
      match: z.record(z.string(), z.string()).optional(),
      matchRe: z.record(z.string(), z.string()).optional(),
      groupBy: z.array(z.string()).optional(),
      groupWaitMs: ms.optional(),
      groupIntervalMs: z.number().int().positive().optional(),
      repeatIntervalMs: z.number().int().positive().optional(),
      continue: z.boolean().optional(),
      muteTimeIntervals: z.array(z.string()).optional(),
      activeTimeIntervals: z.array(z.string()).optional(),
      routes: z.array(routeSchema).optional(),
    })
    .strict(),
);
const notifierSchema = z.custom<Notifier | LegacyNotifier>(
  (n) => typeof n === 'object' && n !== null && typeof (n as Notifier).send === 'function',
  'must be a notifier (an object with send()), e.g. webhookNotifier({ url })',
);
const schema = z
  .object({
    route: routeSchema,
    receivers: z.array(
      z
        .object({
          name: z.string().min(1),
          notifiers: z.array(notifierSchema).optional(),
          storm: z
            .object({ maxNotifications: z.number().int().positive(), windowMs: z.number().int().positive() })
            .optional(),
        })
        .strict(),
    ),
    inhibitRules: z
      .array(
        z.object({
          sourceMatchers: z.array(z.string()),
          targetMatchers: z.array(z.string()),
          equal: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    timeIntervals: z.array(z.object({ name: z.string(), timeIntervals: z.array(z.any()) })).optional(),
  })
  .strict();

const fail = (path: string, message: string): never => {
  throw optionsError('alert-manager', [{ path, message, given: '' }]);
};

/** Validates and compiles a configuration; errors are `ERR_PLUGIN_OPTIONS` naming the field. */
export function compileConfig(input: AlertManagerConfig): CompiledConfig {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    fail(
      i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
      i.message,
    );
  }
  const cfg = input;
  const receivers = new Map(cfg.receivers.map((r) => [r.name, r]));
  const intervals = new Map<string, (ms: number) => boolean>();
  for (const [i, t] of (cfg.timeIntervals ?? []).entries()) {
    try {
      intervals.set(t.name, compileTimeIntervals(t.timeIntervals));
    } catch (err) {
      fail(`timeIntervals[${i}]`, (err as Error).message);
    }
  }
  if (!cfg.route.receiver) fail('route.receiver', 'the root route needs a receiver');
  if (cfg.route.matchers?.length || cfg.route.match || cfg.route.matchRe)
    fail('route.matchers', 'the root route matches everything; it may not have matchers');
  if (cfg.route.muteTimeIntervals || cfg.route.activeTimeIntervals)
    fail('route.muteTimeIntervals', 'not allowed on the root route');
  const inhibit = (cfg.inhibitRules ?? []).map((r, i) => ({
    source: matchersAt(`inhibitRules[${i}].sourceMatchers`, () => amMatchers(r.sourceMatchers)),
    target: matchersAt(`inhibitRules[${i}].targetMatchers`, () => amMatchers(r.targetMatchers)),
    equal: r.equal ?? [],
  }));
  const root = compileRoute(cfg.route, undefined, 'route', receivers, intervals);
  return { root, receivers, inhibit };
}

function matchersAt(path: string, f: () => LabelMatcher[]): LabelMatcher[] {
  try {
    return f();
  } catch (err) {
    return fail(path, (err as Error).message);
  }
}

function compileRoute(
  r: RouteConfig,
  parent: Route | undefined,
  path: string,
  receivers: Map<string, ReceiverConfig>,
  intervals: Map<string, (ms: number) => boolean>,
): Route {
  const matchers = matchersAt(`${path}.matchers`, () => amMatchers(r.matchers, r.match, r.matchRe));
  const receiver = r.receiver ?? parent!.receiver;
  if (!receivers.has(receiver))
    fail(`${path}.receiver`, `no receiver named ${JSON.stringify(receiver)} in receivers`);
  const lookup = (names: string[] | undefined, field: string): ((ms: number) => boolean)[] =>
    (names ?? []).map(
      (n) => intervals.get(n) ?? fail(`${path}.${field}`, `no time interval named ${JSON.stringify(n)}`),
    );
  const mute = r.muteTimeIntervals ? lookup(r.muteTimeIntervals, 'muteTimeIntervals') : undefined;
  const active = r.activeTimeIntervals ? lookup(r.activeTimeIntervals, 'activeTimeIntervals') : undefined;
  const inherited = parent?.muted ?? (() => false);
  const muted =
    mute || active
      ? (t: number) => (mute ?? []).some((f) => f(t)) || (active !== undefined && !active.some((f) => f(t)))
      : inherited;
  const groupBy = r.groupBy ? (r.groupBy.includes('...') ? 'all' : [...r.groupBy]) : (parent?.groupBy ?? []);
  const route: Route = {
    id: path,
    key: parent ? `${parent.key}/${matchersString(matchers)}` : matchersString(matchers),
    matchers,
    receiver,
    groupBy,
    groupWaitMs: r.groupWaitMs ?? parent?.groupWaitMs ?? 30_000,
    groupIntervalMs: r.groupIntervalMs ?? parent?.groupIntervalMs ?? 300_000,
    repeatIntervalMs: r.repeatIntervalMs ?? parent?.repeatIntervalMs ?? 14_400_000,
    continue: r.continue ?? false,
    muted,
    children: [],
  };
  for (const [i, c] of (r.routes ?? []).entries()) {
    route.children.push(compileRoute(c, route, `${path}.routes[${i}]`, receivers, intervals));
  }
  return route;
}
