import { describe, expect, it } from '@jest/globals';
import { EventStoreUnavailableError } from '#event-store';
import { ProjectionFailedError, ProjectionInterruptedError, ProjectionLagTimeoutError } from '#projections';
import { isTemporarilyUnavailable, storageFaultOf } from './storage-fault.js';

const sqlite = (code: string, message = code) => Object.assign(new Error(message), { code });
const event = { id: 'e1', stream: 'client-a', revision: 0n, type: 'ClientRegistered', data: {}, metadata: {}, position: { commit: 1n, prepare: 1n }, createdAt: new Date(0) };

describe('storageFaultOf', () => {
  it.each([
    ['SQLITE_READONLY', 'read-only'],
    ['SQLITE_READONLY_RECOVERY', 'read-only'],
    ['SQLITE_FULL', 'disk-full'],
    ['ENOSPC', 'disk-full'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_IOERR_WRITE', 'io-error'],
    ['SQLITE_CANTOPEN', 'io-error'],
    ['SQLITE_BUSY', 'locked'],
  ])('names %s a %s fault, however deep in the cause chain', (code, kind) => {
    const wrapped = new ProjectionInterruptedError('p', 'the read-model transaction failed', new EventStoreUnavailableError('append failed', { cause: sqlite(code, 'driver says') }));
    expect(storageFaultOf(sqlite(code, 'driver says'))).toEqual({ kind, detail: 'driver says' });
    expect(storageFaultOf(wrapped)).toEqual({ kind, detail: 'driver says' });
  });

  it('says a database file replaced under meshid needs a restart', () => {
    expect(storageFaultOf(sqlite('SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database'))).toEqual({
      kind: 'read-only',
      detail: expect.stringMatching(/^attempt to write a readonly database; the database file was moved or replaced .*restart meshid/),
    });
  });

  it('names a store that is unavailable for no file reason unreachable', () => {
    expect(storageFaultOf(new EventStoreUnavailableError('KurrentDB append failed: 14 UNAVAILABLE'))).toEqual({
      kind: 'unreachable',
      detail: 'KurrentDB append failed: 14 UNAVAILABLE',
    });
  });

  it('is null for what no waiting fixes: a poison event, a constraint, a bug', () => {
    expect(storageFaultOf(new ProjectionFailedError('p', event, new Error('cannot digest this')))).toBeNull();
    expect(storageFaultOf(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storageFaultOf(new TypeError('undefined is not a function'))).toBeNull();
  });
});

describe('isTemporarilyUnavailable', () => {
  it('is true for storage faults and read models that stopped or lag, false for a poison event', () => {
    expect(isTemporarilyUnavailable(sqlite('SQLITE_FULL'))).toBe(true);
    expect(isTemporarilyUnavailable(new ProjectionInterruptedError('p', 'the subscription failed', new Error('reset')))).toBe(true);
    expect(isTemporarilyUnavailable(new ProjectionLagTimeoutError({ commit: 2n, prepare: 2n }, 10, []))).toBe(true);
    expect(isTemporarilyUnavailable(new ProjectionFailedError('p', event, sqlite('SQLITE_FULL')))).toBe(true);
    expect(isTemporarilyUnavailable(new ProjectionFailedError('p', event, new Error('cannot digest this')))).toBe(false);
    expect(isTemporarilyUnavailable(new Error('a bug'))).toBe(false);
  });
});
