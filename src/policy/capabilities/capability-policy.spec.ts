import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger, type LoggerService } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import type { Identity } from '../identity.js';
import { parseCapRules } from './cap-rule.js';
import { type CapabilitySubject, CapabilityPolicy, capabilitySubjectOf } from './capability-policy.js';

const logged: { level: string; message: string }[] = [];
const capture: LoggerService = {
  log: (message: string) => logged.push({ level: 'log', message }),
  warn: (message: string) => logged.push({ level: 'warn', message }),
  error: (message: string) => logged.push({ level: 'error', message }),
};
Logger.overrideLogger(capture);
beforeEach(() => {
  logged.length = 0;
});

const dir = mkdtempSync(join(tmpdir(), 'meshid-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grantsPath = join(dir, 'grants.hujson');
writeFileSync(
  grantsPath,
  JSON.stringify({
    grants: [{ src: ['*'], app: { 'tailscale.com/cap/tsidp': [{ allow_admin_ui: true, extraClaims: { from: 'file' } }] } }],
  }),
);

const subject = (overrides: Partial<CapabilitySubject> = {}): CapabilitySubject => ({
  source: 'dev',
  login: 'alice@example.com',
  groups: [],
  machine: false,
  capabilities: [],
  ...overrides,
});

const rules = (...values: unknown[]) => parseCapRules(values, 'test', () => undefined);

describe('CapabilityPolicy', () => {
  const withoutFile = new CapabilityPolicy({});
  const withFile = new CapabilityPolicy({ grantsFile: grantsPath });

  it('uses only the identity\'s own rules when there is no grants file', () => {
    expect(withoutFile.rulesFor(subject())).toEqual([]);
    expect(withoutFile.rulesFor(subject({ capabilities: [{ allow_dcr: true }] }))).toEqual([
      expect.objectContaining({ allowDcr: true, origin: 'capability rule 1 from dev identity alice@example.com' }),
    ]);
  });

  it('adds the grants file\'s rules after the identity\'s own, for every source but tailscale', () => {
    for (const source of ['dev', 'proxy-headers', 'account'] as const) {
      const found = withFile.rulesFor(subject({ source, capabilities: [{ allow_dcr: true }] }));
      expect(found.map((rule) => [rule.allowDcr, rule.allowAdminUi])).toEqual([
        [true, false],
        [false, true],
      ]);
    }
    const tailnet = withFile.rulesFor(subject({ source: 'tailscale', capabilities: [{ allow_dcr: true }] }));
    expect(tailnet).toEqual([expect.objectContaining({ allowDcr: true, allowAdminUi: false })]);
  });

  it('refuses to start when the grants file is missing', () => {
    expect(() => new CapabilityPolicy({ grantsFile: join(dir, 'absent.json') })).toThrow(ConfigError);
  });

  it('decides admin UI and DCR as the OR over the rules, denying by default', () => {
    expect(withoutFile.decide([])).toEqual({ allowAdminUi: false, allowDcr: false, extraClaims: {}, userinfoClaims: {} });
    expect(withoutFile.decide(rules({ allow_admin_ui: false }, { allow_admin_ui: true }, {}))).toMatchObject({ allowAdminUi: true, allowDcr: false });
    expect(withoutFile.decide(rules({ allow_dcr: true }))).toMatchObject({ allowAdminUi: false, allowDcr: true });
  });

  it('decides the extra claims for the ID token and for /userinfo', () => {
    const decision = withoutFile.decide(
      rules({ extraClaims: { groups: ['a'], sub: 'evil' } }, { extraClaims: { groups: ['b'], role: 'r' }, includeInUserInfo: true }),
    );
    expect(decision.extraClaims).toEqual({ groups: ['a', 'b'], role: 'r' });
    expect(decision.userinfoClaims).toEqual({ groups: ['b'], role: 'r' });
    expect(logged).toEqual([
      { level: 'warn', message: 'capability rule 1 from test: extraClaims."sub" is a protected claim that grants cannot set; claim ignored' },
    ]);
  });

  it('logs the same warning once per process, not on every login', () => {
    const policy = new CapabilityPolicy({});
    const bad = subject({ capabilities: [{ users: '*' }] });
    policy.rulesFor(bad);
    policy.rulesFor(bad);
    policy.decide(rules({ extraClaims: { iss: 'x' } }));
    policy.decide(rules({ extraClaims: { iss: 'x' } }));
    expect(logged.map((entry) => entry.message)).toEqual([
      'capability rule 1 from dev identity alice@example.com: "users" must be an array of strings; rule ignored',
      'capability rule 1 from test: extraClaims."iss" is a protected claim that grants cannot set; claim ignored',
    ]);
  });
});

// tsidp's TestResourceIndicators and the §4.1 evaluation rules.
describe('CapabilityPolicy.allowedAudiences', () => {
  const policy = new CapabilityPolicy({});
  const alice = 'alice@example.com';

  it('allows everything requested with users and resources "*"', () => {
    expect(policy.allowedAudiences(rules({ users: ['*'], resources: ['*'] }), alice, ['https://a', 'https://b'])).toEqual(['https://a', 'https://b']);
  });

  it('allows a resource for a specific user only', () => {
    const granted = rules({ users: [alice], resources: ['https://api'] });
    expect(policy.allowedAudiences(granted, alice, ['https://api'])).toEqual(['https://api']);
    expect(policy.allowedAudiences(granted, 'bob@example.com', ['https://api'])).toEqual([]);
    expect(policy.allowedAudiences(granted, 'Alice@example.com', ['https://api'])).toEqual([]);
  });

  it('denies everything without rules, or with rules that name no users or no resources', () => {
    expect(policy.allowedAudiences([], alice, ['https://api'])).toEqual([]);
    expect(policy.allowedAudiences(rules({ resources: ['*'] }, { users: ['*'] }), alice, ['https://api'])).toEqual([]);
  });

  it('keeps rule independence: one rule cannot give the user and another the resource', () => {
    const split = rules({ users: [alice], resources: ['https://other'] }, { users: ['bob@example.com'], resources: ['https://api'] });
    expect(policy.allowedAudiences(split, alice, ['https://api'])).toEqual([]);
    expect(policy.allowedAudiences(split, alice, ['https://other'])).toEqual(['https://other']);
  });

  it('grants partially: drops only what is not allowed, keeping order and removing duplicates', () => {
    const granted = rules({ users: ['*'], resources: ['https://b'] }, { users: [alice], resources: ['https://a'] });
    expect(policy.allowedAudiences(granted, alice, ['https://c', 'https://b', 'https://a', 'https://b'])).toEqual(['https://b', 'https://a']);
  });

  it('matches resources exactly: "*" is the only wildcard', () => {
    const granted = rules({ users: ['*'], resources: ['https://api/*', 'https://api'] });
    expect(policy.allowedAudiences(granted, alice, ['https://api/v1', 'https://api/', 'https://api'])).toEqual(['https://api']);
  });
});

describe('capabilitySubjectOf', () => {
  const identity = (claims: Identity['claims']): Identity => ({ source: 'proxy-headers', subject: 's', login: 'l', claims, capabilities: [{ x: 1 }] });

  it('takes the login, groups and capabilities of an identity', () => {
    expect(capabilitySubjectOf(identity({ groups: ['ops'] }))).toEqual({ source: 'proxy-headers', login: 'l', groups: ['ops'], machine: false, capabilities: [{ x: 1 }] });
  });

  it('treats an identity with tags as a machine', () => {
    expect(capabilitySubjectOf(identity({ groups: [], tags: ['tag:ci'] })).machine).toBe(true);
    expect(capabilitySubjectOf(identity({ groups: [], tags: [] })).machine).toBe(false);
  });
});
