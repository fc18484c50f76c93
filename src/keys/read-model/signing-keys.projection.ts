import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import { SIGNING_KEYS_STREAM, type SigningKeyEvent } from '../domain/signing-keys.events.js';
import { KeyRing } from './key-ring.js';

/**
 * `signing-keys` into the `signing_keys` table, then tells the key ring to reload. The reload is
 * queued as a microtask: it runs once the runner's synchronous batch transaction has committed
 * (and before anyone awaiting that position resumes), so the ring only ever sees committed rows.
 */
@ReadModelProjection()
export class SigningKeysProjection implements Projection {
  readonly name = 'signing-keys';
  readonly tables = ['signing_keys'] as const;
  readonly filter = { streamNamePrefixes: [SIGNING_KEYS_STREAM] };
  private reloadQueued = false;

  constructor(private readonly ring: KeyRing) {}

  apply(recorded: RecordedEvent, db: Database.Database): void {
    if (recorded.stream !== SIGNING_KEYS_STREAM) return;
    const event = recorded as unknown as SigningKeyEvent;
    switch (event.type) {
      case 'SigningKeyGenerated': {
        const { kid, alg, publicJwk, privateKey, generatedAt, activateAfter } = event.data;
        db.prepare(
          `INSERT INTO signing_keys (kid, alg, status, public_jwk, private_key, generated_at, activate_after)
           VALUES (?, ?, 'published', ?, ?, ?, ?)`,
        ).run(kid, alg, JSON.stringify(publicJwk), JSON.stringify(privateKey), generatedAt, activateAfter);
        break;
      }
      case 'SigningKeyActivated':
        db.prepare(`UPDATE signing_keys SET status = 'active', activated_at = ? WHERE kid = ?`).run(event.data.activatedAt, event.data.kid);
        break;
      case 'SigningKeyRetired': {
        const { kid, retiredAt, unpublishAfter } = event.data;
        db.prepare(`UPDATE signing_keys SET status = 'retired', retired_at = ?, unpublish_after = ? WHERE kid = ?`).run(
          retiredAt,
          unpublishAfter,
          kid,
        );
        break;
      }
      default:
        return;
    }
  }

  load(): void {
    this.ring.reload();
  }

  /** Every replica's key ring reloads once the rows are committed, whoever wrote them. */
  observe(recorded: RecordedEvent): void {
    if (recorded.stream === SIGNING_KEYS_STREAM) this.queueReload();
  }

  private queueReload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    queueMicrotask(() => {
      this.reloadQueued = false;
      this.ring.reload();
    });
  }
}
