import { round } from '../event-store/stats.js';
import type { ExportPass } from './export-bench.js';
import { FLAT_GROWTH, memoryGrowth, type MemorySample } from './memory-probe.js';
import type { AuditMeasurement } from './report.js';
import type { ReplayPass } from './replay-bench.js';
import type { VerifyPass } from './verify-bench.js';

const n = (value: number) => Math.round(value).toLocaleString('en-US');

export function exportRow(pass: ExportPass): AuditMeasurement {
  const mb = pass.bytes / 1e6;
  return {
    key: 'export_ndjson_events_per_s',
    metric: 'export NDJSON events/s',
    adapter: 'sqlite',
    value: pass.eventsPerSecond,
    unit: '/s',
    target: { op: '>=', value: 200_000 },
    details: { events: pass.events, bytes: pass.bytes, seconds: round(pass.seconds, 3) },
    note: `${n(pass.events)} events, ${n(mb)} MB of NDJSON (${n(pass.bytes / pass.events)} bytes/event, ${n(mb / pass.seconds)} MB/s) in ${pass.seconds.toFixed(2)} s`,
  };
}

/**
 * The same export through RAW_EVENT_STORE, personal data left sealed: not what operators get,
 * shown to tell the PersonalDataStore decorator's share of the export's time from the rest.
 */
export function rawExportRow(pass: ExportPass): AuditMeasurement {
  return {
    key: 'export_ndjson_raw_store_events_per_s',
    metric: 'export NDJSON, raw store (diagnostic)',
    adapter: 'sqlite',
    value: pass.eventsPerSecond,
    unit: '/s',
    details: { events: pass.events, bytes: pass.bytes, seconds: round(pass.seconds, 3) },
    note: `personal data left sealed (RAW_EVENT_STORE): the difference to the row above is opening it; ${pass.seconds.toFixed(2)} s`,
  };
}

export function replayRow(pass: ReplayPass, logEvents: number): AuditMeasurement {
  return {
    key: 'replay_events_per_s',
    metric: 'replay all read models events/s',
    adapter: 'sqlite',
    value: pass.eventsPerSecond,
    unit: '/s',
    target: { op: '>=', value: 100_000 },
    details: { events: logEvents, applied: pass.applied, projections: pass.projections, seconds: round(pass.seconds, 3) },
    note: `${n(logEvents)} log events into ${pass.projections} projections (${n(pass.applied)} apply calls) in ${pass.seconds.toFixed(2)} s`,
  };
}

export function verifyRow(pass: VerifyPass): AuditMeasurement {
  const { report } = pass;
  const events = report.sealedEvents + report.unsealedTail;
  return {
    key: 'verify_events_per_s',
    metric: 'verify events/s',
    adapter: 'sqlite',
    value: events / pass.seconds,
    unit: '/s',
    details: { events, seals: report.seals, unsealedTail: report.unsealedTail, ok: String(report.ok), seconds: round(pass.seconds, 3) },
    note: `${report.ok ? 'ok' : `NOT OK (${report.firstBad?.reason} at ${report.firstBad?.position})`}: ${n(report.seals)} seals cover ${n(report.sealedEvents)} events, ${n(report.unsealedTail)} unsealed, in ${pass.seconds.toFixed(2)} s`,
  };
}

const describe = (samples: readonly MemorySample[]) =>
  samples.map((s) => `${s.fraction * 100}%: rss ${s.rssMiB} / heap ${s.peakHeapUsedMiB} MiB`).join(', ');

/** "memory flat?": growth of RSS and of the heap peak from 25% to 100% of the log, the larger one. */
export function flatRow(pass: 'export' | 'replay', samples: readonly MemorySample[]): AuditMeasurement {
  const growth = memoryGrowth(samples);
  const worst = Math.max(growth.rss, growth.heap) * 100;
  return {
    key: `${pass}_memory_growth_pct`,
    metric: `${pass} memory flat? (100% vs 25%)`,
    adapter: 'sqlite',
    value: worst,
    unit: '%',
    target: { op: '<', value: FLAT_GROWTH * 100 },
    display: `${worst < FLAT_GROWTH * 100 ? 'flat' : 'grows'}, ${worst >= 0 ? '+' : ''}${worst.toFixed(1)}%`,
    details: { rssGrowthPct: round(growth.rss * 100, 1), heapGrowthPct: round(growth.heap * 100, 1) },
    note: describe(samples),
  };
}

/** Export of a prefix against the whole log: peak heap and RSS of each pass. */
export function prefixRow(prefix: ExportPass, full: ExportPass): AuditMeasurement {
  const peak = (pass: ExportPass) => ({
    heap: Math.max(...pass.memory.map((s) => s.peakHeapUsedMiB)),
    rss: Math.max(...pass.memory.map((s) => s.rssMiB)),
  });
  const [p, f] = [peak(prefix), peak(full)];
  return {
    key: 'export_peak_heap_prefix_vs_full_mib',
    metric: `export peak heap, ${n(prefix.events / 1000)}k vs ${n(full.events / 1000)}k`,
    adapter: 'sqlite',
    value: f.heap,
    unit: ' MiB',
    display: `${p.heap} vs ${f.heap} MiB`,
    details: { prefixEvents: prefix.events, prefixPeakHeapMiB: p.heap, prefixPeakRssMiB: p.rss, fullEvents: full.events, fullPeakHeapMiB: f.heap, fullPeakRssMiB: f.rss },
    note: `peak RSS ${p.rss} vs ${f.rss} MiB (RSS rarely shrinks: it keeps what earlier phases took); prefix export ${n(prefix.eventsPerSecond)}/s`,
  };
}
