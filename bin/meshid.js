#!/usr/bin/env node
// The `meshid` command. It runs the compiled code in dist/ (`npm run build`; `npm start` builds first).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('meshid: not built yet; run `npm run build` (npm start builds it for you)\n');
  process.exit(1);
}
await import(entry.href);
