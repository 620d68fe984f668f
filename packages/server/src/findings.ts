import { type Finding, type LabelMatcher, type Labels, matchesLabels, type Pipeline } from '@argus/core';
import type { Store, StoredFinding } from '@argus/store';

/** Which findings to list: a time range [from, to), series matchers and optional filters. */
export interface FindingQuery {
  readonly from: number;
  readonly to: number;
  readonly matchers: readonly LabelMatcher[];
}

/**
 * The findings the server shows. With a store (startArgus records findings there through its store sink) they come
 * from the store; without one, from a bounded ring of the running pipeline's most recent findings, so a server over
 * a pipeline alone still lists them. Late verdicts (`findingUpdated`) replace the finding in the ring.
 */
export class FindingLog {
  private readonly ring: StoredFinding[] = [];
  private readonly byId = new Map<string, number>();
  private dropped = 0;

  constructor(
    private readonly store: () => Store | undefined,
    private readonly capacity: number,
  ) {}

  /** Subscribes to a pipeline's findings; returns the unsubscribe. */
  attach(pipeline: Pipeline | undefined): () => void {
    if (!pipeline) return () => {};
    const keep = (f: Finding): void => this.keep(f, pipeline);
    pipeline.on('finding', keep);
    pipeline.on('findingUpdated', keep);
    return () => {
      pipeline.off('finding', keep);
      pipeline.off('findingUpdated', keep);
    };
  }

  private keep(f: Finding, pipeline: Pipeline): void {
    let labels: Labels;
    try {
      labels = pipeline.series.labels(f.series);
    } catch {
      // a series the registry no longer knows: keep the finding, it still has its time, value and score
      labels = {};
    }
    const { series: _id, ...rest } = f;
    const stored: StoredFinding = { ...rest, labels };
    const at = this.byId.get(f.id);
    if (at !== undefined && this.ring[at - this.dropped]?.id === f.id) {
      this.ring[at - this.dropped] = stored;
      return;
    }
    this.byId.set(f.id, this.dropped + this.ring.length);
    this.ring.push(stored);
    if (this.ring.length > this.capacity) {
      this.byId.delete(this.ring.shift()!.id);
      this.dropped++;
    }
  }

  /** Findings in [from, to) whose series labels match, oldest first. */
  query(q: FindingQuery): StoredFinding[] {
    const store = this.store();
    if (store) return store.findings({ from: q.from, to: q.to, matchers: q.matchers });
    return this.ring.filter(
      (f) => f.timestamp >= q.from && f.timestamp < q.to && matchesLabels(q.matchers, f.labels),
    );
  }
}
