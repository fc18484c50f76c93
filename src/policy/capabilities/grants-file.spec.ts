import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrantSubject } from './grants-document.js';
import { GrantsFile } from './grants-file.js';
import { configProblems } from '../../config/testing/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-grants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes a fresh grants file with a given modification time (seconds), so versions differ. */
function write(text: string, path = join(dir, `grants-${++files}.hujson`), mtime = 1_000): string {
  writeFileSync(path, text);
  utimesSync(path, mtime, mtime);
  return path;
}

function open(path: string) {
  const log = { warnings: [] as string[], errors: [] as string[], infos: [] as string[] };
  let now = 0;
  const file = GrantsFile.open(path, {
    warn: (message) => log.warnings.push(message),
    error: (message) => log.errors.push(message),
    log: (message) => log.infos.push(message),
    clock: () => now,
  });
  return { file, log, advance: (ms: number) => (now += ms) };
}

const person = (login: string, groups: string[] = []): GrantSubject => ({ login, groups, machine: false });
const machine = (login: string): GrantSubject => ({ login, groups: [], machine: true });
/** A grant giving one tsidp rule, marked so tests can tell which grants matched. */
const grant = (src: string[], mark: string) => ({ src, dst: ['tag:idp'], app: { 'tailscale.com/cap/tsidp': [{ extraClaims: { mark } }] } });
const marks = (file: GrantsFile, subject: GrantSubject) => file.rulesFor(subject).map((rule) => rule.extraClaims['mark']);


describe('GrantsFile', () => {
  it('reads tailnet-policy grant syntax with comments, ignoring dst and other capabilities', () => {
    const path = write(`{
      // who is who
      "groups": { "group:admins": ["Alice@Example.com"], },
      "grants": [
        {
          "src": ["group:admins"],
          "dst": ["tag:idp"],
          "app": {
            "tailscale.com/cap/tsidp": [{ "allow_admin_ui": true, "allow_dcr": true }],
            "example.com/cap/other": [{ "anything": 1 }],
          },
        },
      ],
    }`);
    const { file, log } = open(path);
    expect(file.rulesFor(person('alice@example.com'))).toEqual([
      expect.objectContaining({ allowAdminUi: true, allowDcr: true, origin: `capability rule 1 from grants file ${path} grants[0]` }),
    ]);
    expect(file.rulesFor(person('bob@example.com'))).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('matches src by login, file group, identity group, * and autogroup:member, in file order', () => {
    const path = write(
      JSON.stringify({
        groups: { 'group:admins': ['alice@example.com'] },
        grants: [
          grant(['*'], 'everyone'),
          grant(['ALICE@example.com'], 'alice'),
          grant(['group:admins'], 'admins'),
          grant(['group:ops'], 'ops'),
          grant(['autogroup:member'], 'members'),
          grant(['bob@example.com', 'group:nobody'], 'bob'),
        ],
      }),
    );
    const { file } = open(path);
    expect(marks(file, person('alice@example.com'))).toEqual(['everyone', 'alice', 'admins', 'members']);
    expect(marks(file, person('Bob@Example.com'))).toEqual(['everyone', 'members', 'bob']);
    expect(marks(file, person('carol@example.com', ['ops']))).toEqual(['everyone', 'ops', 'members']);
    expect(marks(file, person('dave@example.com', ['group:ops']))).toEqual(['everyone', 'ops', 'members']);
    expect(marks(file, person('erin@example.com', ['admins-not']))).toEqual(['everyone', 'members']);
    expect(marks(file, machine('alice@example.com'))).toEqual(['everyone', 'alice', 'admins']);
    expect(marks(file, machine('build.tail1234.ts.net'))).toEqual(['everyone']);
  });

  it('does not match a partial login', () => {
    const { file } = open(write(JSON.stringify({ grants: [grant(['alice@example.com'], 'alice')] })));
    expect(marks(file, person('alice@example.com.evil'))).toEqual([]);
    expect(marks(file, person('alice'))).toEqual([]);
  });

  it('drops malformed grants with a warning naming them and keeps the others', () => {
    const path = write(
      JSON.stringify({
        grants: [
          'nope',
          { src: [], app: {} },
          { src: 'alice@example.com', app: {} },
          { src: ['*', 3], app: {} },
          { src: ['*'] },
          { src: ['*'], app: { 'tailscale.com/cap/tsidp': { allow_dcr: true } } },
          { src: ['*'], ip: ['443'], app: { 'tailscale.com/cap/tsidp': [{ users: '*' }, { allow_dcr: true }] } },
          { src: ['*', 'tag:ci', 'autogroup:admin'], app: {} },
        ],
      }),
    );
    const { file, log } = open(path);
    expect(file.rulesFor(person('alice@example.com'))).toEqual([expect.objectContaining({ allowDcr: true })]);
    const prefix = `grants file ${path}: `;
    expect(log.warnings).toEqual([
      `${prefix}grants[0] must be an object; grant ignored`,
      `${prefix}grants[1].src must be a non-empty array of strings; grant ignored`,
      `${prefix}grants[2].src must be a non-empty array of strings; grant ignored`,
      `${prefix}grants[3].src must be a non-empty array of strings; grant ignored`,
      `${prefix}grants[4].app must be an object of capabilities; grant ignored`,
      `${prefix}grants[5].app["tailscale.com/cap/tsidp"] must be an array of rules; grant ignored`,
      `capability rule 1 from grants file ${path} grants[6]: "users" must be an array of strings; rule ignored`,
      `${prefix}grants[7].src "tag:ci" is not supported in the grants file and matches nobody`,
      `${prefix}grants[7].src "autogroup:admin" is not supported in the grants file and matches nobody`,
    ]);
  });

  it('ignores malformed groups with a warning', () => {
    const path = write(JSON.stringify({ groups: { admins: ['a@x'], 'group:bad': 'a@x', 'group:ok': ['a@x'] }, grants: [grant(['group:ok'], 'ok')] }));
    const { file, log } = open(path);
    expect(marks(file, person('a@x'))).toEqual(['ok']);
    expect(log.warnings).toEqual([
      `grants file ${path}: groups["admins"]: group names start with "group:"; group ignored`,
      `grants file ${path}: groups["group:bad"] must be an array of logins; group ignored`,
    ]);
  });

  it('re-reads the file when it changes, at most once a second', () => {
    const path = write(JSON.stringify({ grants: [grant(['*'], 'v1')] }));
    const { file, advance, log } = open(path);
    expect(marks(file, person('a@x'))).toEqual(['v1']);
    write(JSON.stringify({ grants: [grant(['*'], 'v2')] }), path, 2_000);
    advance(999);
    expect(marks(file, person('a@x'))).toEqual(['v1']);
    advance(1);
    expect(marks(file, person('a@x'))).toEqual(['v2']);
    expect(log.infos).toEqual([`grantsFile (MESHID_GRANTS_FILE): reloaded ${path}`]);
  });

  it('notices a change of size alone', () => {
    const path = write(JSON.stringify({ grants: [grant(['*'], 'v1')] }));
    const { file, advance } = open(path);
    write(JSON.stringify({ grants: [grant(['*'], 'v22')] }), path, 1_000);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['v22']);
  });

  it('keeps the last good rules when a reload fails, logging each failed version once', () => {
    const path = write(JSON.stringify({ grants: [grant(['*'], 'good')] }));
    const { file, advance, log } = open(path);
    write('{"grants": [ oops', path, 2_000);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['good']);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['good']);
    expect(log.errors).toEqual([expect.stringMatching(/^grantsFile \(MESHID_GRANTS_FILE\): .* is not valid HuJSON: line 1 column 14: .*; keeping the rules last read from it$/)]);

    write('{"groups": {}}', path, 3_000);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['good']);
    rmSync(path);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['good']);
    expect(log.errors.slice(1)).toEqual([
      `grantsFile (MESHID_GRANTS_FILE): ${path} must be an object with a "grants" array; keeping the rules last read from it`,
      `grantsFile (MESHID_GRANTS_FILE): ${path} does not exist; keeping the rules last read from it`,
    ]);

    write(JSON.stringify({ grants: [grant(['*'], 'fixed')] }), path, 4_000);
    advance(1_000);
    expect(marks(file, person('a@x'))).toEqual(['fixed']);
    expect(log.errors).toHaveLength(3);
  });

  it('refuses to start with a missing, unreadable or invalid file, naming the setting', () => {
    const missing = join(dir, 'missing.hujson');
    expect(configProblems(() => open(missing))).toEqual([`grantsFile (MESHID_GRANTS_FILE): ${missing} does not exist`]);
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    expect(configProblems(() => open(directory))).toEqual([`grantsFile (MESHID_GRANTS_FILE): ${directory} is a directory, not a file`]);
    const invalid = write('{\n  "grants": [\n    {"src": ["*"]\n  ]\n}');
    expect(configProblems(() => open(invalid))).toEqual([
      expect.stringMatching(new RegExp(`^grantsFile \\(MESHID_GRANTS_FILE\\): ${invalid} is not valid HuJSON: line 4 column 3: `)),
    ]);
    for (const text of ['[]', '{}', '{"grants": {}}', '"grants"']) {
      const path = write(text);
      expect(configProblems(() => open(path))).toEqual([`grantsFile (MESHID_GRANTS_FILE): ${path} must be an object with a "grants" array`]);
    }
  });
});
