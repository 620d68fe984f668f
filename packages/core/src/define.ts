import type { StandardSchemaV1 } from '@standard-schema/spec';
import { parseOptions } from './options.js';
import {
  type Alerter,
  API_VERSION,
  type Detector,
  type Processor,
  type Sink,
  type Source,
} from './plugin.js';

type Body<P> = Omit<P, 'kind' | 'apiVersion' | 'name'> & { name?: string };

/** What `define*` takes: a name, an options schema, and `create`, which builds the plugin from parsed options. */
export interface Definition<S extends StandardSchemaV1, P> {
  /** Default plugin name; `create` may return another (e.g. from an option). */
  readonly name: string;
  readonly options: S;
  /** Builds the plugin. Must do no I/O: connections open in `start`. */
  create(options: StandardSchemaV1.InferOutput<S>): Body<P>;
}

/** A plugin factory made by `define*`; its `schema` feeds docs and config validation. */
export type Factory<S extends StandardSchemaV1, P> = ((options: StandardSchemaV1.InferInput<S>) => P) & {
  readonly pluginName: string;
  readonly schema: S;
};

function define<
  K extends 'source' | 'processor' | 'detector' | 'alerter' | 'sink',
  S extends StandardSchemaV1,
  P,
>(kind: K, def: Definition<S, P>): Factory<S, P> {
  const factory = (input: StandardSchemaV1.InferInput<S>): P => {
    const opts = parseOptions(def.options, input ?? {}, def.name);
    const body = def.create(opts);
    return { ...body, name: body.name ?? def.name, kind, apiVersion: API_VERSION } as P;
  };
  return Object.assign(factory, { pluginName: def.name, schema: def.options });
}

/**
 * Binds a source's name, options schema (any Standard Schema: zod, valibot, …) and body in one place.
 * Bad options throw one `ERR_PLUGIN_OPTIONS` error naming the plugin and each field.
 * @example
 * export const randomSource = defineSource({
 *   name: 'random',
 *   options: z.object({ series: z.number().int().positive().default(10) }),
 *   create: (o) => ({ poll: ({ series }) => makeBatch(series, o.series) }),
 * });
 */
export function defineSource<S extends StandardSchemaV1>(def: Definition<S, Source>): Factory<S, Source> {
  return define('source', def);
}

/** Like {@link defineSource}, for processors. */
export function defineProcessor<S extends StandardSchemaV1>(
  def: Definition<S, Processor>,
): Factory<S, Processor> {
  return define('processor', def);
}

/** Like {@link defineSource}, for detectors. */
export function defineDetector<S extends StandardSchemaV1>(
  def: Definition<S, Detector>,
): Factory<S, Detector> {
  return define('detector', def);
}

/** Like {@link defineSource}, for alerters. */
export function defineAlerter<S extends StandardSchemaV1>(def: Definition<S, Alerter>): Factory<S, Alerter> {
  return define('alerter', def);
}

/** Like {@link defineSource}, for sinks. */
export function defineSink<S extends StandardSchemaV1>(def: Definition<S, Sink>): Factory<S, Sink> {
  return define('sink', def);
}
