import { Readable } from 'node:stream';
import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../../admin/http/admin.guard.js';
import { AuditExport } from './audit-export.service.js';
import { EXPORT_FORMATS, parseExportQuery, type RawExportQuery } from './export-filter.js';
import { RECORD_WRITERS } from './export-records.js';

/**
 * `GET /api/v1/audit/events`: the log, streamed. Who may administer may export (AdminGuard: the
 * same people and admin tokens, answers `no-store`). Parameters are checked whole before anything
 * is read, so a bad one is a 400 naming it, never a truncated 200.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/events')
@UseGuards(AdminGuard)
export class AuditExportController {
  constructor(private readonly exporter: AuditExport) {}

  @Get()
  @ApiOperation({
    summary: 'Export the event log in $all order as NDJSON, JSON or CSV, streamed in constant memory',
    description:
      'Each record: position, created_at, stream, revision, type, id, data, metadata (CSV adds actor; data and metadata as JSON text; ' +
      "a CSV cell starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it). To resume, pass the last position received as after.",
  })
  @ApiProduces(...Object.values(RECORD_WRITERS).map((writer) => writer.contentType))
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS, description: 'default ndjson' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 instant: created_at at or after it' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 instant: created_at before it' })
  @ApiQuery({ name: 'after', required: false, description: 'position "<commit>/<prepare>", exclusive: the last one received' })
  @ApiQuery({ name: 'until', required: false, description: 'position, inclusive: the export stops there' })
  @ApiQuery({ name: 'type', required: false, isArray: true, type: String, description: 'exact event types; repeat or comma-separate' })
  @ApiQuery({ name: 'category', required: false, isArray: true, type: String, description: 'stream categories (client, grant, audit...); repeat or comma-separate' })
  @ApiQuery({ name: 'subject', required: false, description: "events naming this subject, and its grants' events" })
  @ApiQuery({ name: 'client', required: false, description: "events naming this client id, its client stream, and its grants' events" })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'at most this many records' })
  @ApiOkResponse({ description: 'the records; a response cut short (no final chunk) is an incomplete export: resume with after' })
  async export(@Query() query: RawExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const request = parseExportQuery(query);
    const writer = RECORD_WRITERS[request.format];
    const chunks = this.exporter.chunks(request);
    // The first chunk is awaited before the status goes out, so a store that cannot be read is an
    // error answer rather than a 200 with an empty body.
    const first = await chunks.next();
    const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
    await reply
      .type(writer.contentType)
      .header('content-disposition', `attachment; filename="meshid-events-${stamp}.${writer.extension}"`)
      // Readable.from honours backpressure (the generator is resumed only when the socket drains) and,
      // destroyed when the client goes away, returns the generator, which ends the log read.
      .send(Readable.from(resumed(first, chunks), { objectMode: false }));
  }
}

/** `rest` with the chunk already taken from it put back in front. */
async function* resumed(first: IteratorResult<string, void>, rest: AsyncGenerator<string, void, undefined>): AsyncGenerator<string, void, undefined> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
