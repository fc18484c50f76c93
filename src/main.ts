// Entry point of `npm start` and the `meshid` command (bin/meshid.js imports the built file).
import { main } from './cli/program.js';

await main(process.argv);
