// Lets a child process run the TypeScript sources directly (tests that need real OS processes):
//   node --conditions=source --import ./test/support/register-ts.mjs some-script.ts
// Types are stripped by swc with the repository's .swcrc, as jest does; nothing is type-checked here.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
