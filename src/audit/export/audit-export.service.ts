import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { GrantDirectory } from '../../tokens/read-model/grant-directory.js';
import { exportEvents } from './export-events.js';
import type { ExportRequest } from './export-filter.js';
import type { GrantsOf } from './export-matcher.js';

/** How many grant rows one read-model query returns while collecting a subject's or client's grants. */
const GRANT_PAGE = 1000;

/**
 * Export as the application runs it, for the endpoint and the offline CLI alike: over EVENT_STORE
 * (personal data shown as it stands, erased where erased; never the raw store), with the grants
 * read model telling which grant streams belong to a subject or a client.
 */
@Injectable()
export class AuditExport {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly grants: GrantDirectory,
  ) {}

  /** The export's text chunks; nothing is read before the first is asked for. */
  chunks(request: ExportRequest): AsyncGenerator<string, void, undefined> {
    return exportEvents(this.store, request.filter, request.format, this.grantsOf);
  }

  /** Every grant id of the owner, newest first, a page at a time (keyset paging on the read model's index). */
  private readonly grantsOf: GrantsOf = (owner) => {
    const ids: string[] = [];
    const criteria = 'subject' in owner ? { subject: owner.subject } : { clientId: owner.clientId };
    let after: readonly [string, string] | undefined;
    for (;;) {
      const page = this.grants.list({ ...criteria, limit: GRANT_PAGE, ...(after ? { after } : {}) });
      for (const grant of page) ids.push(grant.grantId);
      if (page.length < GRANT_PAGE) return ids;
      const last = page[page.length - 1]!;
      after = [last.issuedAt, last.grantId];
    }
  };
}
