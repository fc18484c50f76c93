#!/usr/bin/env node
// Adds to package-lock.json the optional platform packages (other operating systems' native
// binaries of @swc/core, jest's unrs-resolver, ...) that the npm registry mirror reachable from
// the build machines does not serve. `npm install` there cannot describe them and leaves them out,
// and `npm ci` then refuses the lock as out of sync. Each added entry is what the full registry
// records: the version its parent pins, `optional`, and the `os`/`cpu`/`libc` its name declares,
// so npm on any platform skips the binaries that are not its own, exactly as with a full lock.
//
// `npm install` runs it as the root package's postinstall, after npm has written the lock; with a
// full registry it finds nothing to add. By hand: npm run lock:complete
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'netbsd', 'android', 'sunos', 'aix', 'openharmony'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

/** The platform a native-binary package name declares, e.g. `core-linux-arm-gnueabihf`. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  const libc = parts.some((part) => part.startsWith('gnu')) ? 'glibc' : parts.some((part) => part.startsWith('musl')) ? 'musl' : undefined;
  return { ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc: [libc] } : {}), ...(os ? { os: [os] } : {}) };
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const added = [];
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
      throw new Error(`${location} wants ${name}@${version}: only exact versions can be completed; install on a machine with the full registry`);
    }
    // Keys in npm's own order (version first, the rest alphabetical), so npm rewrites nothing.
    const fields = { ...(entry.dev ? { dev: true } : {}), optional: true, ...platformOf(name) };
    packages[hoisted] = { version, ...Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) };
    added.push(`${name}@${version}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
if (added.length > 0) writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
if (added.length > 0) {
  process.stdout.write(`package-lock.json: added ${added.length} optional platform packages:\n  ${added.join('\n  ')}\n`);
} else if (!process.argv.includes('--quiet')) {
  process.stdout.write('package-lock.json is complete\n');
}
