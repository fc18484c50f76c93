import { getHeapStatistics } from 'node:v8';

/** Memory at one point of a pass over the log. */
export interface MemorySample {
  /** Share of the log read (0.25, 0.5, ...). */
  fraction: number;
  events: number;
  /** Resident set size when the point was reached. */
  rssMiB: number;
  /**
   * Highest V8 heap in use seen since the previous point: a single reading lands anywhere on the
   * garbage collector's sawtooth, the peak of each stretch does not.
   */
  peakHeapUsedMiB: number;
}

const MiB = 2 ** 20;
const round1 = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/**
 * Samples memory as a pass reaches 25%, 50%, 75% and 100% of `total` events. `observe` may be
 * called as often as wanted: it reads the heap only every `total / 400` events, and RSS only at the
 * points, because a read costs (process.memoryUsage, which reads /proc for RSS, took about 10% of
 * an export when called per 64 KiB chunk).
 */
export class MemoryProbe {
  readonly samples: MemorySample[] = [];
  private next = 0;
  private peakHeap = 0;
  private nextRead = 0;
  private readonly readEvery: number;

  constructor(
    private readonly total: number,
    private readonly fractions: readonly number[] = [0.25, 0.5, 0.75, 1],
  ) {
    this.readEvery = Math.max(1, Math.floor(total / 400));
  }

  observe(events: number): void {
    if (events < this.nextRead && events < this.fractions[this.next]! * this.total) return;
    this.nextRead = events + this.readEvery;
    const heap = getHeapStatistics().used_heap_size;
    if (heap > this.peakHeap) this.peakHeap = heap;
    while (this.next < this.fractions.length && events >= this.fractions[this.next]! * this.total) this.take(events);
  }

  /** Takes whatever points remain (a pass that read a little fewer events than expected). */
  finish(events: number): MemorySample[] {
    this.nextRead = 0;
    this.observe(events);
    while (this.next < this.fractions.length) this.take(events);
    return this.samples;
  }

  /** Peak heap and RSS over the whole pass. */
  get peak(): { heapUsedMiB: number; rssMiB: number } {
    return { heapUsedMiB: Math.max(...this.samples.map((s) => s.peakHeapUsedMiB)), rssMiB: Math.max(...this.samples.map((s) => s.rssMiB)) };
  }

  private take(events: number): void {
    this.samples.push({ fraction: this.fractions[this.next]!, events, rssMiB: round1(process.memoryUsage.rss()), peakHeapUsedMiB: round1(this.peakHeap) });
    this.peakHeap = 0;
    this.next++;
  }
}

/** Growth from the 25% point to the 100% point, of RSS and of the heap peak, as fractions. */
export function memoryGrowth(samples: readonly MemorySample[]): { rss: number; heap: number } {
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  return { rss: last.rssMiB / first.rssMiB - 1, heap: last.peakHeapUsedMiB / first.peakHeapUsedMiB - 1 };
}

/** Flat: neither RSS nor the heap peak grew by 20% or more from 25% to 100% of the log. */
export const FLAT_GROWTH = 0.2;
