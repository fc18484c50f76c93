import { Injectable } from '@nestjs/common';

/** Time as the domain sees it; tests substitute a clock they control. */
@Injectable()
export class Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number {
    return Date.now();
  }
}

/** A clock that moves only when told to. */
export class FixedClock extends Clock {
  constructor(private time: number) {
    super();
  }

  override now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
