import type { AlertTable } from './alert-table.js';
import type { Inhibitor } from './inhibit.js';

/** What removing alerts needs. */
export interface AlertRemovalDeps {
  readonly alertTable: AlertTable;
  readonly inhibitor: Inhibitor;
  /** Flap detection's window; `undefined` when it is off. */
  readonly flapWindowMs: number | undefined;
  /** Called with the fingerprint of each alert removed (to delete its stored record). */
  removed(fingerprint: string): void;
}

/**
 * Forgets resolved alerts once nothing needs them: no aggregation group holds them any more and flap detection
 * no longer looks back at their changes.
 */
export class AlertRemoval {
  constructor(private readonly d: AlertRemovalDeps) {}

  /** Whether the alert changed state within the flap window (flap detection still needs it). */
  recent(slot: number, now: number): boolean {
    const w = this.d.flapWindowMs;
    return w !== undefined && this.d.alertTable.changes(slot).some((x) => x > now - w);
  }

  /** Called when no group holds a resolved alert any more. */
  released(slot: number, now: number): void {
    // a resolved alert with recent changes is kept (out of every group) so flap detection sees it come back
    if (!this.recent(slot, now)) this.remove(slot);
  }

  remove(slot: number): void {
    const fp = this.d.alertTable.fp[slot]!;
    this.d.alertTable.remove(slot);
    this.d.inhibitor.invalidate();
    this.d.removed(fp);
  }
}
