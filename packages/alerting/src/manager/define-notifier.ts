import { type Factory, parseOptions, type StandardSchemaV1 } from '@argus/core';
import type { Notifier } from './model.js';

/** What {@link defineNotifier} takes: a name, an options schema, and `create`, which builds the notifier. */
export interface NotifierDefinition<S extends StandardSchemaV1> {
  /** Integration name, e.g. `slack`; option errors name the plugin `<name>-notifier`. */
  readonly name: string;
  readonly options: S;
  /** Builds the notifier from parsed options. Must do no I/O: the first connection is made by `send`. */
  create(options: StandardSchemaV1.InferOutput<S>): Omit<Notifier, 'kind' | 'name' | 'type'>;
}

/**
 * Binds a notifier's name, options schema (any Standard Schema) and body in one place, as core's `define*` do
 * for the other plugin kinds. Bad options throw one `ERR_PLUGIN_OPTIONS` error naming `<name>-notifier` and
 * each field; the factory carries `pluginName` and `schema` for docs and config validation.
 * @example
 * export const chatNotifier = defineNotifier({
 *   name: 'chat',
 *   options: z.object({ url: z.url() }),
 *   create: (o) => ({ send: (n, ctx) => postJson({ url: o.url, body: n, signal: ctx.signal, what: 'chat' }) }),
 * });
 */
export function defineNotifier<S extends StandardSchemaV1>(def: NotifierDefinition<S>): Factory<S, Notifier> {
  const factory = (input: StandardSchemaV1.InferInput<S>): Notifier => {
    const opts = parseOptions(def.options, input ?? {}, `${def.name}-notifier`);
    return { ...def.create(opts), kind: 'notifier', name: def.name, type: def.name };
  };
  return Object.assign(factory, { pluginName: def.name, schema: def.options });
}
