import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditFindings, auditLog, parseNdjson, type Resends } from './crash-audit.js';
import { CALLBACK, type Client, grantIdOf, Ledger, runLoad, seededRandom, tokenRequest } from './crash-load.js';
import { CrashableServer } from './crash-server.js';
import { type CliResult, runCli } from './run-cli.js';
import { freePort } from './test-server.js';

export interface CrashRunOptions {
  replicas: number;
  kills: number;
  seed: number;
  loops: number;
}

export interface CrashRunReport {
  kills: number;
  ledger: Ledger;
  resends: Resends;
  resendAnomalies: string[];
  /** Revoked grants whose access token a replica still called active (introspection) after the deadline. */
  stillActive: string[];
  introspected: number;
  /** Exit codes of the clean shutdowns (SIGTERM) after the load. */
  shutdownCodes: (number | null)[];
  findings: AuditFindings;
  replay: CliResult;
  verify: CliResult;
  seconds: number;
  /** Seconds under load with kills, and seconds of re-sends and checks after. */
  phases: { load: number; checks: number };
}

/** Sends the rotated-away refresh tokens, then every acknowledged code, again; notes what each got. */
async function resendAll(ledger: Ledger, server: CrashableServer, client: Client): Promise<{ resends: Resends; anomalies: string[] }> {
  const resends: Resends = { refreshReplayedGrants: [], codesRefused: [], codesRedeemedLate: [] };
  const anomalies: string[] = [];
  const post = async (parameters: Record<string, string>) => {
    const request = tokenRequest(server, client, parameters);
    const response = await fetch(request.url, request);
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  await inParallel(ledger.grants, async (grant) => {
    const superseded = grant.refreshTokens.slice(0, -1);
    for (const token of superseded) {
      const answer = await post({ grant_type: 'refresh_token', refresh_token: token });
      if (answer.status !== 400 || answer.body['error'] !== 'invalid_grant') anomalies.push(`superseded refresh token of ${grant.grantId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    if (superseded.length > 0) resends.refreshReplayedGrants.push(grant.grantId);
  });
  await inParallel(ledger.codes, async (code) => {
    const answer = await post({ grant_type: 'authorization_code', code: code.code, redirect_uri: CALLBACK, code_verifier: code.verifier });
    if (answer.status === 400 && answer.body['error'] === 'invalid_grant') resends.codesRefused.push(code.challenge);
    else if (answer.status === 200 && code.exchange !== 'acknowledged') resends.codesRedeemedLate.push({ challenge: code.challenge, grantId: grantIdOf(answer.body['access_token']!) });
    else anomalies.push(`code (exchange ${code.exchange}) sent again: ${answer.status} ${JSON.stringify(answer.body)}`);
  });
  return { resends, anomalies };
}

/** `work` over `items`, four at a time (a relying party's few connections, not a flood). */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** How long a replica may take to learn a revocation another one wrote (its projection's lag). */
const REVOCATION_DEADLINE_MS = 15000;

/**
 * Every acknowledged grant was revoked by its code's re-send (RFC 6749 §4.1.2): each replica's
 * introspection (its in-memory RevokedGrants) must call a sample of their access tokens inactive.
 */
async function introspectRevoked(ledger: Ledger, servers: CrashableServer[], client: Client, random: () => number): Promise<{ stillActive: string[]; introspected: number }> {
  const sample = ledger.grants.filter(() => random() < 0.2).slice(0, 60);
  let introspected = 0;
  const stillActive: string[] = [];
  for (const server of servers) {
    let pending = sample;
    const deadline = Date.now() + REVOCATION_DEADLINE_MS;
    while (pending.length > 0) {
      const active: typeof pending = [];
      for (const grant of pending) {
        const request = tokenRequest(server, client, { token: grant.accessToken });
        const response = await fetch(request.url.replace(/\/token$/, '/introspect'), request);
        introspected++;
        if (((await response.json()) as { active?: boolean }).active !== false) active.push(grant);
      }
      pending = active;
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    stillActive.push(...pending.map((grant) => `${server.name}: grant ${grant.grantId}`));
  }
  return { stillActive, introspected };
}

/** Kills `server` at random moments after it is ready, restarting it each time, until `total` kills are done. */
async function killLoop(server: CrashableServer, random: () => number, count: { kills: number }, total: number): Promise<void> {
  while (count.kills < total) {
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 550)));
    if (count.kills >= total) return;
    count.kills++;
    await server.kill();
    await server.start();
  }
}

/**
 * A crash-safety run: `replicas` meshid processes on one fresh SQLite data directory under a
 * steady login load, killed (SIGKILL) and restarted `kills` times in all at seeded random
 * moments; then re-sends, a clean shutdown, and the checks of the log by the CLI.
 */
export async function crashRun(options: CrashRunOptions): Promise<CrashRunReport> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'meshid-crash-'));
  const servers: CrashableServer[] = [];
  try {
    const created = await runCli(['clients', 'create', '--name', 'crash', '--redirect-uri', CALLBACK, '--json'], { MESHID_DATA_DIR: dataDir });
    if (created.code !== 0) throw new Error(`clients create failed: ${created.stderr}`);
    const client = JSON.parse(created.stdout) as Client;
    const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
    const env = {
      MESHID_DATA_DIR: dataDir,
      MESHID_ISSUER: `http://127.0.0.1:${ports[0]}`,
      MESHID_DEV_IDENTITY: 'alice@example.com',
      MESHID_LOG_LEVEL: 'warn',
      // Codes outlive the run, so a re-sent code is refused for being used, never for its age.
      MESHID_AUTHORIZATION_CODE_LIFETIME: '600',
      // Seals often, so that kills land in the sealer too.
      MESHID_LOG_SEAL_EVENTS: '50',
      MESHID_LOG_SEAL_INTERVAL_SECONDS: '1',
      // The load and the re-sends come from one address, far above a relying party's rate.
      MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    };
    servers.push(...ports.map((port, i) => new CrashableServer(`replica-${i + 1}`, port, env)));
    // One after the other: the first generates the signing keys the second must project.
    for (const server of servers) await server.start();

    const random = seededRandom(options.seed);
    const ledger = new Ledger();
    let stopped = false;
    const loadStarted = Date.now();
    const load = runLoad({ servers, client, random, stopped: () => stopped }, ledger, options.loops);
    const count = { kills: 0 };
    try {
      await Promise.all(servers.map((server, i) => killLoop(server, seededRandom(options.seed + i + 1), count, options.kills)));
    } finally {
      stopped = true;
      await load;
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const { resends, anomalies: resendAnomalies } = await resendAll(ledger, servers[0]!, client);
    const { stillActive, introspected } = await introspectRevoked(ledger, servers, client, random);
    const shutdownCodes = await Promise.all(servers.map((server) => server.stop()));

    const cli = { MESHID_DATA_DIR: dataDir };
    const exported = await runCli(['audit', 'export', '--format', 'ndjson'], cli);
    if (exported.code !== 0) throw new Error(`audit export exited ${exported.code}: ${exported.stderr}`);
    const findings = auditLog(ledger, resends, parseNdjson(exported.stdout));
    const replay = await runCli(['audit', 'replay'], cli);
    const verify = await runCli(['audit', 'verify'], cli);
    return { kills: count.kills, ledger, resends, resendAnomalies, stillActive, introspected, shutdownCodes, findings, replay, verify, seconds: (Date.now() - started) / 1000, phases: { load: loadSeconds, checks: (Date.now() - loadStarted) / 1000 - loadSeconds } };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The one line a run prints. */
export function summary(name: string, options: CrashRunOptions, report: CrashRunReport): string {
  const { ledger, resends, findings } = report;
  return (
    `crash-safety (${name}, seed ${options.seed}): ${report.kills} SIGKILLs in ${report.phases.load.toFixed(1)} s under load (run ${report.seconds.toFixed(1)} s, checks ${report.phases.checks.toFixed(1)} s); ` +
    `${ledger.attempted} requests attempted, ${ledger.acknowledged} acknowledged (${ledger.codes.length} codes, ${ledger.grants.length} token responses, ` +
    `${ledger.refreshesAcknowledged} refreshes), ${ledger.failed} cut by a kill, ${ledger.anomalies.length} anomalies; re-sent after the last restart: ` +
    `${resends.codesRefused.length + resends.codesRedeemedLate.length} codes (${resends.codesRedeemedLate.length} never redeemed before), ` +
    `${ledger.grants.reduce((n, grant) => n + grant.refreshTokens.length - 1, 0)} rotated-away refresh tokens; ` +
    `${findings.eventsChecked} code and grant events checked (${findings.redeemedWithoutGrant} redemptions cut before their grant); ` +
    `${report.introspected} introspections of revoked grants' access tokens across replicas (${report.stillActive.length} still active); ` +
    `replay exit ${report.replay.code}, verify exit ${report.verify.code}`
  );
}
