import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminCreateClient, adminToken, authorize, createAdminClientOffline, createClientOffline, eventIds, expectReplayMatches, expectTemporarilyUnavailable, type FaultClient, login, perRequestFailureLines, redeem, sealerRetryLines } from './support/fault-checks.js';
import { MeshidChild, until } from './support/fault-meshid.js';
import { freePort } from './support/test-server.js';

// Storage faults of the embedded (SQLite) store, each made for real under a running `meshid serve`:
// - disk full: the data directory is a small tmpfs in the child's own mount namespace, filled by a
//   file written from here; freeing it is the fix;
// - corrupt file: pages of meshid.db overwritten with random bytes while meshid runs, then before
//   a start; copying back the backup taken before is the fix;
// - read-only data directory: at start, through a read-only bind mount in the child's namespace.
// Each must give /readyz 503 naming the fault, one log line when it starts and one when it clears,
// 503 temporarily_unavailable to callers, and recovery without a restart with nothing lost.
// `audit replay` runs once meshid has stopped, except on the tmpfs, which lives only as long as
// meshid: two processes running projections on one read-model database may apply an event twice
// (the replay's own shutdown seal), which would spoil any check made after it.
const TEST_TIMEOUT_MS = 180_000;
const FAULT_DEADLINE_MS = 30_000;
const STORAGE_FAULT = /storage fault: /;
const STORAGE_CLEARED = /storage fault cleared/;

describe('storage faults of the embedded store', () => {
  let seedDir: string;
  let client: FaultClient;
  let admin: FaultClient;

  beforeAll(async () => {
    seedDir = mkdtempSync(join(tmpdir(), 'meshid-faults-seed-'));
    client = await createClientOffline({ MESHID_DATA_DIR: seedDir });
    admin = await createAdminClientOffline({ MESHID_DATA_DIR: seedDir });
  }, 120_000);

  afterAll(() => rmSync(seedDir, { recursive: true, force: true }));

  it('a full disk: 503 while full, one log line each way, and meshid recovers when space is freed', async () => {
    // The mount point; the tmpfs on it exists only in the child's namespace.
    const mountPoint = mkdtempSync(join(tmpdir(), 'meshid-faults-tmpfs-'));
    const meshid = new MeshidChild({ dataDir: mountPoint, port: await freePort(), sandbox: { kind: 'tmpfs', bytes: 24 * 1024 * 1024, seedDir } });
    try {
      await meshid.ready();
      await login(meshid, client);
      const pending = (await authorize(meshid, client)).get('code')!;
      const token = await adminToken(meshid, admin);
      const before = await meshid.eventIds();

      const filler = meshid.path('filler');
      fillDisk(filler);
      await expectTemporarilyUnavailable(await redeem(meshid, client, pending));
      expect((await authorize(meshid, client)).get('error')).toBe('temporarily_unavailable');
      await expectTemporarilyUnavailable(await adminCreateClient(meshid, token));
      const report = await untilNotReady(meshid);
      expect(report.storage?.fault).toBe('disk-full');
      expect(report.reasons?.[0]).toMatch(/^storage fault: the disk holding the database is full/);
      for (let i = 0; i < 3; i++) await expectTemporarilyUnavailable(await redeem(meshid, client, pending));
      expect(meshid.lines(STORAGE_FAULT)).toHaveLength(1);
      expect(perRequestFailureLines(meshid)).toEqual([]);

      unlinkSync(filler);
      await meshid.ready(FAULT_DEADLINE_MS);
      expect(meshid.lines(STORAGE_CLEARED)).toHaveLength(1);
      await login(meshid, client);
      const after = await meshid.eventIds();
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length).toBeGreaterThan(before.length);
      await expectReplayMatches(meshid);
      expect(meshid.lines(STORAGE_FAULT)).toHaveLength(1);
      expect(sealerRetryLines(meshid)).toEqual([]);
      expect(meshid.log).not.toMatch(/ERROR.*\n\s+at /);
    } finally {
      await meshid.stop();
      rmSync(mountPoint, { recursive: true, force: true });
    }
  }, TEST_TIMEOUT_MS);

  describe('a corrupt database file', () => {
    let dataDir: string;
    let backup: string;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'meshid-faults-corrupt-'));
      copyFileSync(join(seedDir, 'meshid.db'), join(dataDir, 'meshid.db'));
      for (const secret of ['pepper.key', 'kek.json']) copyFileSync(join(seedDir, secret), join(dataDir, secret));
      backup = join(dataDir, 'meshid.db.backup');
    });

    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('at run time: 503 while corrupt, and meshid recovers once the operator restores the backup', async () => {
      const database = join(dataDir, 'meshid.db');
      const meshid = new MeshidChild({ dataDir, port: await freePort() });
      try {
        await meshid.ready();
        await login(meshid, client);
        const pending = (await authorize(meshid, client)).get('code')!;
        takeBackup(database, backup);
        const before = eventIds(backup);

        overwrite(database, 4096);
        const report = await untilNotReady(meshid);
        expect(report.storage?.fault).toBe('corrupt');
        expect(report.reasons?.[0]).toMatch(/^storage fault: the database file is corrupt/);
        await expectTemporarilyUnavailable(await redeem(meshid, client, pending));
        expect(meshid.lines(STORAGE_FAULT)).toHaveLength(1);
        expect(perRequestFailureLines(meshid)).toEqual([]);

        copyFileSync(backup, database);
        await meshid.ready(FAULT_DEADLINE_MS);
        expect(meshid.lines(STORAGE_CLEARED)).toHaveLength(1);
        await login(meshid, client);
        const after = eventIds(database);
        expect(after.slice(0, before.length)).toEqual(before);
        expect(meshid.lines(STORAGE_FAULT)).toHaveLength(1);
        expect(sealerRetryLines(meshid)).toEqual([]);
      } finally {
        expect(await meshid.stop()).toBe(0);
      }
      await expectReplayMatches(meshid);
    }, TEST_TIMEOUT_MS);

    it('at start: exit 5 with a message naming the file; once restored, meshid starts with everything', async () => {
      const database = join(dataDir, 'meshid.db');
      copyFileSync(database, backup);
      const before = eventIds(backup);
      overwrite(database, 0);
      const refused = new MeshidChild({ dataDir, port: await freePort() });
      expect(await refused.exited).toBe(5);
      expect(refused.log).toContain(`cannot open the event store at ${database}`);
      expect(refused.log).toMatch(/the database file is corrupt/);
      expect(refused.log).not.toMatch(/\n\s+at /);

      copyFileSync(backup, database);
      const meshid = new MeshidChild({ dataDir, port: await freePort() });
      try {
        await meshid.ready();
        await login(meshid, client);
        expect(eventIds(database).slice(0, before.length)).toEqual(before);
      } finally {
        expect(await meshid.stop()).toBe(0);
      }
      await expectReplayMatches(meshid);
    }, TEST_TIMEOUT_MS);
  });

  it('a read-only data directory at start: a clear refusal, and a normal start once it is writable', async () => {
    const refused = new MeshidChild({ dataDir: seedDir, port: await freePort(), sandbox: { kind: 'read-only' } });
    const code = await refused.exited;
    expect(code).not.toBe(0);
    expect(refused.log).toContain(seedDir);
    expect(refused.log).toMatch(/read-only/);
    expect(refused.log).not.toMatch(/\n\s+at /);

    const meshid = new MeshidChild({ dataDir: seedDir, port: await freePort() });
    try {
      await meshid.ready();
      await login(meshid, client);
    } finally {
      await meshid.stop();
    }
  }, TEST_TIMEOUT_MS);
});

/** Polls /readyz until it answers 503, and returns its report. */
async function untilNotReady(meshid: MeshidChild) {
  let last = await meshid.readyz();
  await until(
    async () => {
      last = await meshid.readyz();
      return last.status === 503;
    },
    FAULT_DEADLINE_MS,
    () => `readiness stayed ${last.status}: ${JSON.stringify(last.body)}\n${meshid.log.slice(-3000)}`,
  );
  return last.body;
}

/** Writes `path` until the file system refuses with ENOSPC. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * A consistent copy of a live WAL database, as an operator's backup: the WAL is checkpointed into
 * the file first (by a connection of this process), so the file alone holds everything.
 */
function takeBackup(database: string, backup: string): void {
  const db = new Database(database);
  try {
    for (;;) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (result!.busy === 0) break;
    }
  } finally {
    db.close();
  }
  copyFileSync(database, backup);
}

/** Random bytes over the file from `offset` to its end, in place (the same inode, as a disk fault). */
function overwrite(path: string, offset: number): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(size - offset), 0, size - offset, offset);
  } finally {
    closeSync(fd);
  }
}
