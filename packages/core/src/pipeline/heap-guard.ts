import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/**
 * The memory cap: at most once a second, compares heap use with `maxHeapBytes`. Above it, new series are
 * refused (existing ones keep flowing) until usage falls back under the cap; each crossing is logged once.
 */
export class HeapGuard {
  accepting = true;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxHeapBytes: number | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  check(): void {
    if (this.maxHeapBytes === undefined) return;
    const t = this.clock.now();
    if (t - this.checkedAt < 1000) return;
    this.checkedAt = t;
    const used = process.memoryUsage().heapUsed;
    const ok = used <= this.maxHeapBytes;
    if (ok === this.accepting) return;
    this.accepting = ok;
    if (ok)
      this.log.info(`heap back under maxHeapBytes (${this.maxHeapBytes} bytes): new series accepted again`);
    else
      this.log.warn(
        `heap use ${used} bytes is above maxHeapBytes (${this.maxHeapBytes}): new series are refused until it drops; raise maxHeapBytes or lower maxSeries`,
      );
  }
}
