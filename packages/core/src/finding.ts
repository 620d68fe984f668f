/** What a detector saw. */
export type FindingKind =
  | 'spike'
  | 'dip'
  | 'levelShift'
  | 'trend'
  | 'seasonalDeviation'
  | 'forecastBreach'
  | 'flatline'
  | 'missing';

/** A verdict added later by an asynchronous detector (e.g. an LLM judging the finding). */
export interface FindingVerdict {
  readonly detector: string;
  /** Revised score in [0,1]; omit to leave the score unchanged. */
  readonly score?: number;
  /** `true`: a real anomaly; `false`: dismissed; `undefined`: no opinion. */
  readonly confirmed?: boolean;
  readonly explanation?: string;
  readonly at: number;
  /**
   * Set when the detector passed the finding through without judging it (model unavailable, slow, over budget,
   * invalid answer): the reason. `confirmed` and `score` are then absent.
   */
  readonly unjudged?: string;
  /** Structured details of the verdict (e.g. a model's kind, severity and ranked hypotheses); JSON-serialisable. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A detector's judgement about one point of one series. */
export interface Finding {
  /** Unique within a pipeline run; late verdicts refer to it. */
  readonly id: string;
  /** Series id in the pipeline's registry. */
  readonly series: number;
  /** Sample time (ms since epoch). */
  readonly timestamp: number;
  /** Observed value. */
  readonly value: number;
  /** Anomaly score in [0,1]; 1 is certain. */
  readonly score: number;
  readonly kind: FindingKind;
  /** Expected value and band, when the detector has a model of normal. */
  readonly expected?: { readonly value: number; readonly lower: number; readonly upper: number };
  /** Name of the detector that produced it. */
  readonly detector: string;
  /** One sentence a human can read: why this point is odd. */
  readonly explanation: string;
  /** Verdicts appended by asynchronous detectors, oldest first. */
  readonly verdicts?: readonly FindingVerdict[];
}

let counter = 0;
const prefix = Math.floor(Math.random() * 0xffffff).toString(36);

/** A process-unique finding id. */
export function newFindingId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

/** Clamps a score into [0,1]; NaN becomes 0. */
export function clampScore(score: number): number {
  return Number.isNaN(score) ? 0 : Math.min(1, Math.max(0, score));
}
