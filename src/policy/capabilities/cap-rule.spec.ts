import { describe, expect, it } from '@jest/globals';
import { foldKey, parseCapRules } from './cap-rule.js';

function parse(values: unknown[]) {
  const warnings: string[] = [];
  const rules = parseCapRules(values, 'whois CapMap', (message) => warnings.push(message));
  return { rules, warnings };
}

const defaults = {
  allowAdminUi: false,
  allowDcr: false,
  users: [],
  resources: [],
  extraClaims: {},
  includeInUserInfo: false,
};

describe('parseCapRules', () => {
  it('reads every field of tsidp\'s capRule', () => {
    const { rules, warnings } = parse([
      {
        allow_admin_ui: true,
        allow_dcr: true,
        users: ['*'],
        resources: ['https://api.example.com'],
        extraClaims: { groups: ['admin'], role: 'x', n: 1, b: true },
        includeInUserInfo: true,
      },
    ]);
    expect(warnings).toEqual([]);
    expect(rules).toEqual([
      {
        allowAdminUi: true,
        allowDcr: true,
        users: ['*'],
        resources: ['https://api.example.com'],
        extraClaims: { groups: ['admin'], role: 'x', n: 1, b: true },
        includeInUserInfo: true,
        origin: 'capability rule 1 from whois CapMap',
      },
    ]);
  });

  it('defaults every field of an empty rule, and ignores unknown keys', () => {
    const { rules, warnings } = parse([{}, { colour: 'blue', allow_everything: true }]);
    expect(warnings).toEqual([]);
    expect(rules).toEqual([
      { ...defaults, origin: 'capability rule 1 from whois CapMap' },
      { ...defaults, origin: 'capability rule 2 from whois CapMap' },
    ]);
  });

  it('matches keys case-insensitively like Go, but not without the underscores', () => {
    const { rules } = parse([
      { ALLOW_ADMIN_UI: true, Allow_Dcr: true, USERS: ['a'], Resources: ['r'], extraclaims: { x: 1 }, INCLUDEINUSERINFO: true },
      { allowadminui: true, allowdcr: true, AllowAdminUI: true, extra_claims: { y: 1 }, include_in_user_info: true },
    ]);
    expect(rules[0]).toMatchObject({ allowAdminUi: true, allowDcr: true, users: ['a'], resources: ['r'], extraClaims: { x: 1 }, includeInUserInfo: true });
    expect(rules[1]).toMatchObject(defaults);
  });

  it('folds the Kelvin sign and the long s as Go does', () => {
    expect(foldKey('\u212a')).toBe(foldKey('k'));
    expect(parse([{ 'u\u017fers': ['a'] }]).rules[0]!.users).toEqual(['a']);
    expect(foldKey('straße')).toBe('STRAßE');
  });

  it('lets the later of two keys folding to the same field win', () => {
    const { rules } = parse([{ users: ['first'], Users: ['second'], allow_dcr: true, ALLOW_DCR: false }]);
    expect(rules[0]).toMatchObject({ users: ['second'], allowDcr: false });
  });

  it('adds a later extraClaims object to an earlier one, as Go decodes into the existing map', () => {
    const { rules } = parse([{ extraClaims: { a: 1, b: 1 }, ExtraClaims: { b: 2, c: 2 } }]);
    expect(rules[0]!.extraClaims).toEqual({ a: 1, b: 2, c: 2 });
  });

  it('treats null as absent for booleans and as empty for lists and claims', () => {
    const { rules, warnings } = parse([
      { allow_admin_ui: null, users: null, resources: null, extraClaims: null, includeInUserInfo: null },
      { allow_dcr: true, ALLOW_DCR: null, users: ['a'], USERS: null, extraClaims: { a: 1 }, extraclaims: null },
      { users: ['a', null, 'b'] },
    ]);
    expect(warnings).toEqual([]);
    expect(rules[0]).toMatchObject(defaults);
    expect(rules[1]).toMatchObject({ allowDcr: true, users: [], extraClaims: {} });
    expect(rules[2]!.users).toEqual(['a', 'b']);
  });

  it('drops a rule that is not an object, naming it, and keeps the others', () => {
    const { rules, warnings } = parse(['allow_admin_ui', { allow_dcr: true }, ['x'], null, 7]);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ allowDcr: true, origin: 'capability rule 2 from whois CapMap' });
    expect(warnings).toEqual([
      'capability rule 1 from whois CapMap: must be a JSON object, not a string; rule ignored',
      'capability rule 3 from whois CapMap: must be a JSON object, not an array; rule ignored',
      'capability rule 4 from whois CapMap: must be a JSON object, not null; rule ignored',
      'capability rule 5 from whois CapMap: must be a JSON object, not a number; rule ignored',
    ]);
  });

  it.each([
    [{ allow_admin_ui: 'true' }, '"allow_admin_ui" must be a boolean'],
    [{ Allow_DCR: 1 }, '"Allow_DCR" must be a boolean'],
    [{ includeInUserInfo: 'yes' }, '"includeInUserInfo" must be a boolean'],
    [{ users: '*' }, '"users" must be an array of strings'],
    [{ users: ['*', 1] }, '"users" must be an array of strings'],
    [{ resources: { '*': true } }, '"resources" must be an array of strings'],
    [{ resources: [['nested']] }, '"resources" must be an array of strings'],
    [{ extraClaims: ['groups'] }, '"extraClaims" must be an object'],
    [{ extraclaims: 'role=admin' }, '"extraclaims" must be an object'],
  ])('drops a rule with a wrong-typed field: %j', (bad, problem) => {
    const { rules, warnings } = parse([{ allow_admin_ui: true }, { allow_dcr: true, ...bad }]);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.allowAdminUi).toBe(true);
    expect(warnings).toEqual([`capability rule 2 from whois CapMap: ${problem}; rule ignored`]);
  });

  it('does not let a wrong-typed unknown key spoil a rule', () => {
    expect(parse([{ users: ['a'], usersx: 5, allowadminui: 'yes' }]).warnings).toEqual([]);
  });
});
