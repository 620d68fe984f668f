// Long evaluations share the host's event loop: they run in slices of time and yield between them (issue 14:
// no block over 10 ms).

// One clock for the whole process: a rule group runs many short queries back to back, each too short to spend
// a slice of its own, yet together they would hold the event loop for the whole group.
let lastYield = performance.now();

/** Yields to the event loop (setImmediate: timers and I/O run first) once `sliceMs` has passed since the last yield. */
export class TimeSlice {
  constructor(private readonly sliceMs: number) {}

  /** Resolves at once inside the slice; after it, on the next turn of the event loop. */
  async yieldIfSpent(): Promise<void> {
    if (performance.now() - lastYield <= this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  }
}
