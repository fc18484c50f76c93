import { Inject, Injectable } from '@nestjs/common';
import type { ReadModelDatabase } from '#projections';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';

export interface CategorySummary {
  category: string;
  streams: number;
  events: number;
  lastPosition: string;
  lastEventAt: string;
}

@Injectable()
export class LogSummaryQuery {
  constructor(@Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase) {}

  categories(): CategorySummary[] {
    return this.readModels.db
      .prepare(
        `SELECT category, streams, events, last_position AS lastPosition, last_event_at AS lastEventAt
         FROM log_summary ORDER BY category`,
      )
      .all() as CategorySummary[];
  }
}
