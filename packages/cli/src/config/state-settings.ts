// The `pipeline.state:` block: where a run keeps what it learns. Without it, `<dataDir>/state` (one fsynced file per
// key); with `redis:`, a Redis server (`@argus/state-redis`), so a replacement pod without the old one's disk
// resumes its baselines and alert states. `keyPrefix` takes `${shard.index}`: one prefix per StatefulSet ordinal.
import { z } from 'zod';

/** The `pipeline.state` block. */
export interface StateSettings {
  redis: {
    /** `redis://host:6379/0`. */
    url: string;
    /** Prefix of every key; one per replica (`argus:${shard.index}:`). @default 'argus:' */
    keyPrefix?: string | undefined;
    /** File holding the password (relative to the config), so the secret stays out of the config. */
    passwordFile?: string | undefined;
  };
}

/** Schema of {@link StateSettings}. */
export const stateSettingsSchema: z.ZodType<StateSettings> = z.strictObject({
  redis: z.strictObject({
    url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
    keyPrefix: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
  }),
});
