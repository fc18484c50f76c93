import { describe, expect, it } from '@jest/globals';
import type { LogDestination } from './log-destination.js';
import { PinoNestLogger } from './pino-nest-logger.js';
import { createRootLogger } from './root-logger.js';

function capture(): LogDestination & { lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line), records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the root logger', () => {
  it('writes one JSON object a line with time, level, context and msg, and nothing about the host', () => {
    const out = capture();
    new PinoNestLogger(createRootLogger({ level: 'log', format: 'json', destination: out }), 'meshid').log('listening on http://127.0.0.1:8080');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]!.endsWith('\n')).toBe(true);
    const [record] = out.records();
    expect(record).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), context: 'meshid', msg: 'listening on http://127.0.0.1:8080' });
  });

  it('keeps MESHID_LOG_LEVEL: each level logs itself and what is more severe', () => {
    const out = capture();
    const logger = new PinoNestLogger(createRootLogger({ level: 'warn', format: 'json', destination: out }));
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    expect(out.records().map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
    const verbose = capture();
    new PinoNestLogger(createRootLogger({ level: 'verbose', format: 'json', destination: verbose })).verbose('v');
    expect(verbose.records()).toMatchObject([{ level: 'trace', msg: 'v' }]);
  });

  it("follows app.useLogger(levels): the most detailed level given", () => {
    const out = capture();
    const logger = new PinoNestLogger(createRootLogger({ level: 'log', format: 'json', destination: out }));
    logger.setLogLevels(['error', 'warn']);
    logger.log('quiet now');
    logger.warn('still heard');
    expect(out.records().map((r) => r.msg)).toEqual(['still heard']);
  });

  it("reads Nest's context and stack parameters", () => {
    const out = capture();
    const logger = new PinoNestLogger(createRootLogger({ level: 'log', format: 'json', destination: out }));
    logger.log('following the log', 'Projections');
    logger.error('boom', undefined, 'LoginTrail'); // what `new Logger('LoginTrail').error('boom')` passes
    logger.error('failed', 'Error: failed\n    at somewhere (file.ts:1:1)', 'Storage');
    logger.error(new Error('thrown'));
    expect(out.records()).toMatchObject([
      { context: 'Projections', msg: 'following the log' },
      { context: 'LoginTrail', msg: 'boom', level: 'error' },
      { context: 'Storage', msg: 'failed', stack: expect.stringContaining('at somewhere') },
      { context: 'meshid', msg: 'thrown', err: { type: 'Error', message: 'thrown' } },
    ]);
  });

  it('never writes what identifies a request beyond method, route and id: no URL, query, headers or body', () => {
    const out = capture();
    const root = createRootLogger({ level: 'log', format: 'json', destination: out });
    const request = {
      id: 'req-1',
      method: 'POST',
      url: '/token?code=SECRET-CODE&state=SECRET-STATE',
      routeOptions: { url: '/token' },
      headers: { authorization: 'Basic SECRET-BASIC', cookie: 'sid=SECRET-COOKIE' },
      query: { code: 'SECRET-CODE' },
      body: { client_secret: 'SECRET-BODY' },
    };
    root.error({ req: request, res: { statusCode: 500, headers: { 'set-cookie': 'sid=SECRET-SET' } }, err: new Error('kaput') }, 'kaput');
    root.info({ headers: { authorization: 'Bearer SECRET-TOKEN', cookie: 'SECRET-COOKIE' }, query: 'code=SECRET-CODE', body: 'SECRET-BODY' }, 'careless');
    const text = out.lines.join('');
    expect(text).not.toContain('SECRET');
    expect(out.records()[0]).toMatchObject({ req: { method: 'POST', route: '/token', reqId: 'req-1' }, res: { status: 500 } });
    expect(out.records()[1]).toMatchObject({ headers: { authorization: '[redacted]', cookie: '[redacted]' }, query: '[redacted]', body: '[redacted]' });
  });

  it('calls a request no route matched `unmatched`, whatever its path', () => {
    const out = capture();
    createRootLogger({ level: 'log', format: 'json', destination: out }).warn({ req: { method: 'GET', url: '/setup/SECRET-LINK' } }, 'odd');
    expect(out.records()[0]).toMatchObject({ req: { method: 'GET', route: 'unmatched' } });
    expect(out.lines.join('')).not.toContain('SECRET');
  });

  it('has a text format for people with the same fields', () => {
    const out = capture();
    const root = createRootLogger({ level: 'log', format: 'text', destination: out });
    new PinoNestLogger(root).log('following the log', 'Projections');
    root.child({ reqId: 'abc' }).info({ method: 'GET', route: '/healthz', status: 200, responseTime: 1.5 }, 'request completed');
    expect(out.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO {2}\[Projections\] following the log\n$/);
    expect(out.lines[1]).toMatch(/^\S+Z INFO {2}request completed reqId=abc method=GET route=\/healthz status=200 responseTime=1\.5\n$/);
  });
});
