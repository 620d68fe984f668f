// Long evaluations share the host's event loop: they run in slices of time and yield between them (issue 14:
// no block over 10 ms).

/** Yields to the event loop (setImmediate: timers and I/O run first) once `sliceMs` has passed since the last. */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Resolves at once inside the slice; after it, on the next turn of the event loop. */
  async yieldIfSpent(): Promise<void> {
    if (performance.now() - this.start <= this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
