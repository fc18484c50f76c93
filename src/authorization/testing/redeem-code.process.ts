/**
 * A separate OS process that redeems one authorization code on a SQLite store, for the
 * cross-process single-use test (race protocol of child-process-race.ts).
 * argv: <db path> <code> <pepper, base64url> <client id> <redirect uri>
 */
import { SqliteEventStore } from '#event-store';
import { runRacingChild } from '../../../libs/event-store/src/testing/child-process-race.js';
import { Clock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { AuthorizationCodeRejectedError } from '../domain/authorization-code.errors.js';
import { RedeemAuthorizationCodeCommand } from '../commands/redeem-authorization-code.command.js';
import { RedeemAuthorizationCodeHandler } from '../commands/redeem-authorization-code.handler.js';

const [path, code, pepper, clientId, redirectUri] = process.argv.slice(2);
if (!path || !code || !pepper || !clientId || !redirectUri) {
  process.stderr.write('usage: redeem-code <db> <code> <pepper> <client id> <redirect uri>\n');
  process.exit(1);
}
const store = new SqliteEventStore({ path });
const hasher = new SecretHasher({ pepper: Buffer.from(pepper, 'base64url'), kek: { id: 'unused', key: Buffer.alloc(32) } });
const handler = new RedeemAuthorizationCodeHandler(store, hasher, new Clock());

await runRacingChild(async () => {
  try {
    const command = new RedeemAuthorizationCodeCommand(code, clientId, redirectUri, undefined, [], { actor: clientId, correlationId: `pid-${process.pid}` });
    const { grantId } = await handler.execute(command);
    return { outcome: 'redeemed', grantId };
  } catch (error) {
    if (error instanceof AuthorizationCodeRejectedError) return { outcome: 'rejected', reason: error.reason };
    return { outcome: 'error', message: (error as Error).message };
  }
});
await store.close();
