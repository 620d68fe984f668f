// Defaults the help text shows, in a module of their own so that `argus --help` loads no command's code.

/** Retention of `argus import` and `argus serve` unless `--retention` is given: Prometheus's default. */
export const DEFAULT_RETENTION = '15d';
/** Where `argus serve` listens unless `--listen` is given: loopback only. */
export const DEFAULT_LISTEN = '127.0.0.1:9090';
