import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes the export's chunks to `--output` (appending when resuming) or to stdout, at the pace
 * the destination takes them: pipeline waits for 'drain' whenever a write is refused, so a slow
 * disk or a slow reader of a pipe slows the log read instead of filling memory. A reader of stdout
 * that goes away (`| head`) ends the export quietly, as it does for any Unix filter.
 */
export async function writeExport(chunks: AsyncIterable<string | Uint8Array>, output: { path: string; append: boolean } | undefined): Promise<void> {
  const source = Readable.from(chunks, { objectMode: false });
  if (output !== undefined) {
    await pipeline(source, createWriteStream(output.path, { flags: output.append ? 'a' : 'w', mode: 0o600 }));
    return;
  }
  try {
    await pipeline(source, process.stdout as Writable, { end: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  }
}
