/**
 * The time of the batch being ingested. The alert state is its only writer; the dispatcher reads it on the
 * per-alert path (a double passed per call is boxed per call).
 */
export interface BatchTime {
  ms: number;
}
