/**
 * Summarises a V8 CPU profile (`.cpuprofile`, as `--cpu-prof` writes them):
 *   node dist/bench/oidc/profile-summary.js FILE.cpuprofile [top]
 * Prints where the self time went, by package (node_modules/<name>, the repository's own code,
 * node internals, GC) and by function, so that a profile of a benchmark run can be read without
 * DevTools.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node dist/bench/oidc/profile-summary.js FILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** Self time in microseconds per node id: each sample's delta goes to the node it landed in. */
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + delta);
  total += delta;
});

function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  if (url === '') return 'native / V8';
  if (url.startsWith('node:')) return 'node internals';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  const own = /\/dist\/((?:src|libs)\/[^/]+(?:\/[^/]+)?)/.exec(url);
  return own ? own[1]! : url;
}

const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, time] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + time);
  const where = url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${where}`;
  functions.set(key, (functions.get(key) ?? 0) + time);
}

const busy = total - (areas.get('(idle)') ?? 0);
const pct = (time: number) => `${((time / busy) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title} (share of non-idle time, ${(busy / 1e6).toFixed(1)} s):`);
  for (const [key, time] of [...entries].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${pct(time)}  ${key}`);
  }
};
print('self time by area', areas);
print('self time by function', functions);
