import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { recordedEventsOf } from '../../common/event-sourcing/testing/recorded-events.js';
import { type ClientMetadata, validateClientMetadata } from './client-metadata.js';
import { MalformedClientEventError } from './client.events.js';
import { clientEvolver } from './client.evolver.js';

const result = validateClientMetadata({ client_name: 'Grafana', redirect_uris: ['https://g.example/cb'] });
if (!result.ok) throw new Error('fixture metadata is invalid');
const metadata: ClientMetadata = result.metadata;

const recorded = recordedEventsOf('client-c1');
const fold = (...events: RecordedEvent[]) => events.reduce(clientEvolver.evolve, clientEvolver.initial);

describe('clientEvolver', () => {
  it('registers, updates, rotates and deletes', () => {
    const registered = recorded('ClientRegistered', { clientId: 'c1', metadata, secretDigest: 'd1' });
    expect(fold(registered)).toEqual({ status: 'active', clientId: 'c1', metadata, secretDigest: 'd1', registrationTokenDigest: null });
    const renamed = recorded('ClientUpdated', { clientId: 'c1', metadata: { ...metadata, client_name: 'G2' } });
    const rotated = recorded('ClientSecretRotated', { clientId: 'c1', secretDigest: 'd2' });
    expect(fold(registered, renamed, rotated)).toMatchObject({ status: 'active', metadata: { client_name: 'G2' }, secretDigest: 'd2' });
    expect(fold(registered, rotated, recorded('ClientDeleted', { clientId: 'c1' }))).toEqual({ status: 'deleted', clientId: 'c1' });
  });

  it('keeps the registration token digest through updates and rotations; old events without one still load', () => {
    const registered = recorded('ClientRegistered', { clientId: 'c1', metadata, secretDigest: 'd1', registrationTokenDigest: 'r1' });
    const renamed = recorded('ClientUpdated', { clientId: 'c1', metadata: { ...metadata, client_name: 'G2' } });
    const rotated = recorded('ClientSecretRotated', { clientId: 'c1', secretDigest: 'd2' });
    expect(fold(registered, renamed, rotated)).toMatchObject({ status: 'active', secretDigest: 'd2', registrationTokenDigest: 'r1' });
    const legacy = recorded('ClientRegistered', { clientId: 'c1', metadata: { ...metadata }, secretDigest: null });
    expect(fold(legacy)).toMatchObject({ status: 'active', registrationTokenDigest: null });
    expect(() => fold(recorded('ClientRegistered', { clientId: 'c1', metadata, secretDigest: null, registrationTokenDigest: '' }))).toThrow(
      'ClientRegistered event without a valid registrationTokenDigest',
    );
  });

  it('drops the secret when the client becomes public', () => {
    const registered = recorded('ClientRegistered', { clientId: 'c1', metadata, secretDigest: 'd1' });
    const toPublic = recorded('ClientUpdated', { clientId: 'c1', metadata: { ...metadata, token_endpoint_auth_method: 'none' } });
    expect(fold(registered, toPublic)).toMatchObject({ status: 'active', secretDigest: null });
  });

  it('ignores event types it does not know, refuses damaged ones, and nothing revives a deleted client', () => {
    expect(() => fold(recorded('ClientRegistered', { name: 'hand-made' }))).toThrow('ClientRegistered event without a valid clientId');
    expect(() => fold(recorded('ClientSecretRotated', { clientId: 'c1', secretDigest: '' }))).toThrow(MalformedClientEventError);
    expect(fold(recorded('SomethingElse', { clientId: 'c1' }))).toEqual({ status: 'absent' });
    const deleted = fold(recorded('ClientRegistered', { clientId: 'c1', metadata, secretDigest: null }), recorded('ClientDeleted', { clientId: 'c1' }));
    expect(clientEvolver.evolve(deleted, recorded('ClientSecretRotated', { clientId: 'c1', secretDigest: 'd' }))).toEqual(deleted);
  });
});
