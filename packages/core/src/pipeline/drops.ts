import type { Clock, TimerHandle } from '../clock.js';
import type { DropReason } from './events.js';

/**
 * Reports drops once per burst: the first drop is reported at once, later ones in the same burst are
 * summed and reported when the burst has been quiet for `windowMs`. Reported counts add up to the exact total.
 */
export class DropReporter {
  private pending = new Map<DropReason, number>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly report: (count: number, reason: DropReason, firstOfBurst: boolean) => void,
    private readonly windowMs = 1000,
  ) {}

  add(count: number, reason: DropReason): void {
    if (count <= 0) return;
    if (this.timer === undefined) {
      this.report(count, reason, true);
      this.arm();
      return;
    }
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + count);
    this.arm();
  }

  /** Reports whatever is pending now (at stop). */
  flush(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const [reason, count] of this.pending) this.report(count, reason, false);
    this.pending.clear();
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const had = this.pending.size > 0;
      for (const [reason, count] of this.pending) this.report(count, reason, false);
      this.pending.clear();
      if (had) this.arm();
    }, this.windowMs);
  }
}
