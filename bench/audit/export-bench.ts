import { performance } from 'node:perf_hooks';
import type { EventStore, Position } from '#event-store';
import { exportEvents } from '../../src/audit/export/export-events.js';
import { maybeGc } from '../event-store/stats.js';
import { MemoryProbe, type MemorySample } from './memory-probe.js';

export interface ExportPass {
  events: number;
  bytes: number;
  seconds: number;
  eventsPerSecond: number;
  memory: MemorySample[];
}

/**
 * One NDJSON export of the log (up to `until`, else all of it) with `exportEvents`, as the CLI and
 * the API run it, into a sink that only counts: UTF-8 bytes (what a socket or file would be sent)
 * and records (lines). Memory is sampled at each quarter of `expectedEvents`.
 */
export async function exportPass(store: EventStore, expectedEvents: number, until?: Position): Promise<ExportPass> {
  maybeGc();
  const probe = new MemoryProbe(expectedEvents);
  let events = 0;
  let bytes = 0;
  const start = performance.now();
  for await (const chunk of exportEvents(store, until === undefined ? {} : { until }, 'ndjson')) {
    bytes += Buffer.byteLength(chunk, 'utf8');
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) events++;
    probe.observe(events);
  }
  const seconds = (performance.now() - start) / 1000;
  return { events, bytes, seconds, eventsPerSecond: events / seconds, memory: probe.finish(events) };
}
