import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '#event-store';
import { ClientEventType } from '../../clients/domain/client.events.js';
import { ClientNotFoundError } from '../../clients/domain/client.errors.js';
import { GrantDirectory, type GrantRecord } from '../../tokens/read-model/grant-directory.js';
import type { ActivityEntry } from '../api/admin-api.js';
import { ClientsAdmin } from './clients-admin.js';

export const DEFAULT_ACTIVITY = 20;
export const MAX_ACTIVITY = 100;

const CLIENT_CHANGES: Readonly<Record<string, string>> = {
  [ClientEventType.Registered]: 'registered',
  [ClientEventType.Updated]: 'metadata changed',
  [ClientEventType.SecretRotated]: 'secret regenerated',
  [ClientEventType.Deleted]: 'deleted',
};

/**
 * A client's recent activity, newest first: its own stream (every change, with who made it, as
 * recorded) merged with the grants issued to it and their revocations (the grants read model).
 * A deleted client keeps its history, so an admin can see what happened to it.
 */
@Injectable()
export class ClientActivity {
  constructor(
    private readonly clients: ClientsAdmin,
    private readonly grants: GrantDirectory,
  ) {}

  async of(clientId: string, limit = DEFAULT_ACTIVITY): Promise<{ items: ActivityEntry[] }> {
    const count = Math.min(Math.max(1, Math.floor(limit)), MAX_ACTIVITY);
    const changes = await this.clients.history(clientId, count);
    if (changes.length === 0) throw new ClientNotFoundError(clientId);
    const entries = [...changes.map(changeEntry), ...this.grants.list({ clientId, limit: count }).flatMap(grantEntries)];
    entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return { items: entries.slice(0, count) };
  }
}

function changeEntry(event: RecordedEvent): ActivityEntry {
  const actor = event.metadata['actor'];
  return {
    at: event.createdAt.toISOString(),
    type: event.type,
    actor: typeof actor === 'string' ? actor : null,
    summary: CLIENT_CHANGES[event.type] ?? event.type,
  };
}

function grantEntries(grant: GrantRecord): ActivityEntry[] {
  const who = grant.login ?? grant.subject;
  const entries: ActivityEntry[] = [
    { at: grant.issuedAt, type: 'GrantIssued', actor: null, summary: `signed in ${who} (${grant.scope.join(' ') || 'no scope'})`, grant_id: grant.grantId },
  ];
  if (grant.revokedAt !== null) {
    entries.push({ at: grant.revokedAt, type: 'GrantRevoked', actor: null, summary: `grant of ${who} revoked (${grant.revokedReason ?? 'unknown reason'})`, grant_id: grant.grantId });
  }
  return entries;
}
