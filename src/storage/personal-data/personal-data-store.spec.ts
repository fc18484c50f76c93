import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type EventStore, InvalidEventStoreInputError, MemoryEventStore, type RecordedEvent } from '#event-store';
import { AUTHORIZATION_CODE_ISSUED } from '../../authorization/domain/authorization-code.events.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { GRANT_ISSUED, REFRESH_TOKEN_ROTATED } from '../../tokens/domain/grant.events.js';
import { isErasedPersonalData, isSealedPersonalData, PersonalDataCorruptError } from './personal-data-envelope.js';
import { PersonalDataKeys } from './personal-data-keys.js';
import { PersonalDataStore } from './personal-data-store.js';
import { PERSONAL_DATA_ERASED, personalErasureStream, personalKeyStream } from './personal-data.events.js';

const secrets = { pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } };
const claims = { name: 'Ada Lovelace', email: 'ada@example.com', groups: ['eng'] };
const identity = { source: 'dev', login: 'ada@example.com', capabilities: [] };

function setup(raw: EventStore = new MemoryEventStore()) {
  const keys = new PersonalDataKeys(raw, new SecretHasher(secrets), new KeyEncryption(secrets));
  return { raw, keys, store: new PersonalDataStore(raw, keys) };
}

const grantIssued = (subject: string) => ({ type: GRANT_ISSUED, data: { grantId: 'g', subject, clientId: 'c', scope: ['openid'], claims, identity } });

async function all(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  for await (const event of events) found.push(event);
  return found;
}

describe('PersonalDataStore', () => {
  it('stores claims and identity only as ciphertext, and reads them back as written', async () => {
    const { raw, store } = setup();
    await store.append('grant-g', [grantIssued('userid:1')], 'no_stream');
    const [stored] = await all(raw.readStream('grant-g'));
    expect(isSealedPersonalData(stored!.data['claims'])).toBe(true);
    expect(isSealedPersonalData(stored!.data['identity'])).toBe(true);
    expect(JSON.stringify(stored!.data)).not.toContain('ada@example.com');
    expect(stored!.data['subject']).toBe('userid:1');
    const [read] = await all(store.readStream('grant-g'));
    expect(read!.data).toEqual(grantIssued('userid:1').data);
    const [fromAll] = (await all(store.readAll())).filter((event) => event.stream === 'grant-g');
    expect(fromAll!.data['claims']).toEqual(claims);
  });

  it('names no subject in a stream: keys live under a keyed digest of it', async () => {
    const { raw, store } = setup();
    await store.append('grant-g', [grantIssued('userid:1')], 'no_stream');
    const streams = (await all(raw.readAll())).map((event) => event.stream);
    expect(streams.some((stream) => stream.startsWith('personal-key-'))).toBe(true);
    expect(streams.join(' ')).not.toContain('userid');
  });

  it('passes events without personal data through untouched', async () => {
    const { raw, store } = setup();
    await store.append('client-c', [{ type: 'ClientRegistered', data: { clientId: 'c', metadata: {} } }], 'no_stream');
    await store.append('grant-g', [{ type: REFRESH_TOKEN_ROTATED, data: { fromDigest: 'a', toDigest: 'b', scope: [] } }], 'any');
    expect((await all(raw.readAll())).map((event) => event.stream)).toEqual(['client-c', 'grant-g']);
  });

  it('refuses personal data whose subject the event does not name, rather than writing it in clear', async () => {
    const { raw, store } = setup();
    const rotated = { type: REFRESH_TOKEN_ROTATED, data: { fromDigest: 'a', toDigest: 'b', scope: [], reidentified: { claims, identity } } };
    await expect(store.append('grant-g', [rotated], 'any')).rejects.toThrow(InvalidEventStoreInputError);
    expect(await all(raw.readAll())).toEqual([]);
  });

  it('reads a forgotten subject as erased, and only that subject', async () => {
    const { store, keys } = setup();
    await store.append('grant-a', [grantIssued('userid:1')], 'no_stream');
    await store.append('grant-b', [grantIssued('userid:2')], 'no_stream');
    const erasure = await keys.erase('userid:1', 1_700_000_000_000, { actor: 'cli:test' });
    expect(erasure?.keyId).toMatch(/^[0-9a-f]{32}-0$/);
    const [forgotten] = await all(store.readStream('grant-a'));
    expect(isErasedPersonalData(forgotten!.data['claims'])).toBe(true);
    expect(isErasedPersonalData(forgotten!.data['identity'])).toBe(true);
    expect(forgotten!.data['subject']).toBe('userid:1');
    const [kept] = await all(store.readStream('grant-b'));
    expect(kept!.data['claims']).toEqual(claims);
  });

  it('destroys the key itself: a fresh process (empty caches) cannot read it either', async () => {
    const first = setup();
    await first.store.append('grant-a', [grantIssued('userid:1')], 'no_stream');
    const erasure = await first.keys.erase('userid:1', 1, {});
    expect(await all(first.raw.readStream(personalKeyStream(erasure!.keyId)))).toEqual([]);
    const erasures = await all(first.raw.readStream(personalErasureStream(erasure!.keyId.replace(/-0$/, ''))));
    expect(erasures.map((event) => event.type)).toEqual([PERSONAL_DATA_ERASED]);
    const second = setup(first.raw);
    const [read] = await all(second.store.readStream('grant-a'));
    expect(isErasedPersonalData(read!.data['claims'])).toBe(true);
  });

  it('gives a person who comes back a fresh key; what was erased stays erased', async () => {
    const { store, keys } = setup();
    await store.append('grant-a', [grantIssued('userid:1')], 'no_stream');
    await keys.erase('userid:1', 1, {});
    await store.append('grant-b', [grantIssued('userid:1')], 'no_stream');
    expect((await all(store.readStream('grant-b')))[0]!.data['claims']).toEqual(claims);
    expect(isErasedPersonalData((await all(store.readStream('grant-a')))[0]!.data['claims'])).toBe(true);
    const again = await keys.erase('userid:1', 2, {});
    expect(again?.keyId).toMatch(/-1$/);
  });

  it('answers null when nothing of the subject was sealed, and writes nothing', async () => {
    const { raw, keys } = setup();
    expect(await keys.erase('userid:nobody', 1, {})).toBeNull();
    expect(await all(raw.readAll())).toEqual([]);
  });

  it('agrees on one key when two processes seal for a new subject at once', async () => {
    const raw = new MemoryEventStore();
    const [a, b] = [setup(raw), setup(raw)];
    await Promise.all([a.store.append('grant-a', [grantIssued('userid:1')], 'no_stream'), b.store.append('grant-b', [grantIssued('userid:1')], 'no_stream')]);
    const fresh = setup(raw);
    expect((await all(fresh.store.readStream('grant-a')))[0]!.data['claims']).toEqual(claims);
    expect((await all(fresh.store.readStream('grant-b')))[0]!.data['claims']).toEqual(claims);
  });

  it('refuses a ciphertext moved into another field or event', async () => {
    const { raw, store } = setup();
    await store.append('authcode-x', [{ type: AUTHORIZATION_CODE_ISSUED, data: { subject: 'userid:1', claims, identity } }], 'no_stream');
    const [stored] = await all(raw.readStream('authcode-x'));
    const swapped = { ...stored!.data, claims: stored!.data['identity'], identity: stored!.data['claims'] };
    await raw.append('authcode-y', [{ type: AUTHORIZATION_CODE_ISSUED, data: swapped }], 'no_stream');
    await expect(all(store.readStream('authcode-y'))).rejects.toThrow(PersonalDataCorruptError);
  });
});
