import { describe, expect, it } from '@jest/globals';
import { type CapRule, parseCapRules } from './cap-rule.js';
import { extraClaimsForUserinfo, mergeExtraClaims, PROTECTED_CLAIMS } from './extra-claims.js';

/** Rules with these extraClaims, as they would come from whois. */
function rulesWith(...claims: Record<string, unknown>[]): CapRule[] {
  return parseCapRules(
    claims.map((extraClaims) => ({ extraClaims })),
    'test',
    () => {
      throw new Error('unexpected rule warning');
    },
  );
}

function merge(rules: CapRule[]) {
  const warnings: string[] = [];
  const claims = mergeExtraClaims(rules, (message) => warnings.push(message));
  return { claims, warnings };
}

// tsidp's TestFlattenExtraClaims, with meshid's deterministic (first-seen) array order.
describe('mergeExtraClaims (tsidp TestFlattenExtraClaims)', () => {
  it.each<[string, Record<string, unknown>[], Record<string, unknown>]>([
    ['empty extra claims', [{}], {}],
    ['no rules', [], {}],
    ['string and number', [{ foo: 'bar', num: 42 }], { foo: 'bar', num: 42 }],
    ['slices of strings and ints', [{ roles: ['admin', 'user'] }, { ids: [1, 2, 3] }], { roles: ['admin', 'user'], ids: ['1', '2', '3'] }],
    ['duplicate values de-duplicated', [{ foo: ['bar', 'baz', 'bar'] }, { foo: ['bar', 'qux'] }], { foo: ['bar', 'baz', 'qux'] }],
    ['scalar first, slice second', [{ foo: 'bar' }, { foo: ['baz'] }], { foo: ['bar', 'baz'] }],
    ['slice first, scalars after', [{ foo: ['baz'] }, { foo: 'bar' }, { foo: 'baz' }], { foo: ['baz', 'bar'] }],
    ['scalars of several rules before a slice', [{ foo: 'a' }, { foo: 'b' }, { foo: ['c'] }], { foo: ['a', 'b', 'c'] }],
    ['multiple slices with overlap', [{ roles: ['admin', 'user'] }, { roles: ['admin', 'guest'] }], { roles: ['admin', 'user', 'guest'] }],
    ['duplicate scalar value', [{ env: 'prod' }, { env: 'prod' }], { env: 'prod' }],
    ['first scalar wins and keeps its type', [{ level: 1 }, { level: 'high' }], { level: 1 }],
    ['bools', [{ enabled: true, flags: [true, false, true] }, { enabled: false }], { enabled: true, flags: ['true', 'false'] }],
    ['numbers stringified like String()', [{ n: [1.5, -0, 1e21] }], { n: ['1.5', '0', '1e+21'] }],
    ['an empty array is kept', [{ groups: [] }], { groups: [] }],
    ['keys in first-seen order', [{ b: 1 }, { a: 1, b: 2 }], { b: 1, a: 1 }],
  ])('%s', (_name, claims, expected) => {
    const { claims: merged, warnings } = merge(rulesWith(...claims));
    expect(merged).toEqual(expected);
    expect(Object.keys(merged)).toEqual(Object.keys(expected));
    expect(warnings).toEqual([]);
  });

  it('ignores an object value with a warning naming the key', () => {
    const { claims, warnings } = merge(rulesWith({ invalid: { bar: 'baz' } }));
    expect(claims).toEqual({});
    expect(warnings).toEqual(['capability rule 1 from test: extraClaims."invalid" is an object; claims must be strings, numbers, booleans or arrays of them; claim ignored']);
  });

  it('keeps a scalar that conflicts with an object of another rule', () => {
    const { claims, warnings } = merge(rulesWith({ foo: 'bar' }, { foo: { bar: 'baz' } }));
    expect(claims).toEqual({ foo: 'bar' });
    expect(warnings).toHaveLength(1);
  });

  it('drops null values', () => {
    const { claims, warnings } = merge(rulesWith({ gone: null, kept: 'x' }));
    expect(claims).toEqual({ kept: 'x' });
    expect(warnings).toEqual(['capability rule 1 from test: extraClaims."gone" is null; claims must be strings, numbers, booleans or arrays of them; claim ignored']);
  });

  it('drops unsupported array items with a warning and keeps the rest', () => {
    const { claims, warnings } = merge(rulesWith({ mixed: ['ok', 42, { a: 1 }, null, ['n']] }));
    expect(claims).toEqual({ mixed: ['ok', '42'] });
    expect(warnings).toEqual([
      'capability rule 1 from test: extraClaims."mixed"[2] is an object; array items must be strings, numbers or booleans; item ignored',
      'capability rule 1 from test: extraClaims."mixed"[3] is null; array items must be strings, numbers or booleans; item ignored',
      'capability rule 1 from test: extraClaims."mixed"[4] is an array; array items must be strings, numbers or booleans; item ignored',
    ]);
  });

  it('drops non-finite numbers, which JSON cannot carry', () => {
    const rules = rulesWith({ n: 1 });
    rules[0]!.extraClaims = { n: Number.NaN, m: [Infinity, 2] };
    const { claims, warnings } = merge(rules);
    expect(claims).toEqual({ m: ['2'] });
    expect(warnings).toHaveLength(2);
  });

  it('keeps a claim named __proto__ as a claim', () => {
    const { claims } = merge(rulesWith(JSON.parse('{"__proto__": "x"}') as Record<string, unknown>));
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(JSON.stringify(claims)).toBe('{"__proto__":"x"}');
  });
});

// tsidp's TestExtraClaims and TestExtraUserInfo: protected keys are dropped, not fatal.
describe('mergeExtraClaims (tsidp TestExtraClaims)', () => {
  it('merges an extra claim', () => {
    expect(merge(rulesWith({ foo: ['bar'] })).claims).toEqual({ foo: ['bar'] });
  });

  it('unions distinct values of one claim across rules', () => {
    expect(merge(rulesWith({ foo: ['bar'] }, { foo: ['foobar'] })).claims).toEqual({ foo: ['bar', 'foobar'] });
  });

  it('merges several claims', () => {
    expect(merge(rulesWith({ foo: ['bar'] }, { bar: ['foo'] })).claims).toEqual({ foo: ['bar'], bar: ['foo'] });
  });

  it('drops a protected claim with a warning naming the key and the rule; the rest still applies', () => {
    const { claims, warnings } = merge(rulesWith({ foo: 'ok' }, { sub: 'admin', email: 'x@y', bar: 'ok' }));
    expect(claims).toEqual({ foo: 'ok', bar: 'ok' });
    expect(warnings).toEqual([
      'capability rule 2 from test: extraClaims."sub" is a protected claim that grants cannot set; claim ignored',
      'capability rule 2 from test: extraClaims."email" is a protected claim that grants cannot set; claim ignored',
    ]);
  });

  it('protects every claim of tsidp and meshid, and no more', () => {
    const tsidp = 'sub aud exp iat iss jti nbf username email key addresses nid node tailnet tags user uid'.split(' ');
    const meshid = 'auth_time nonce at_hash c_hash sid azp acr amr act cnf client_id scope gid email_verified typ'.split(' ');
    expect([...PROTECTED_CLAIMS].sort()).toEqual([...tsidp, ...meshid].sort());
    for (const key of [...tsidp, ...meshid]) expect(merge(rulesWith({ [key]: 'x' })).claims).toEqual({});
  });

  it('lets grants set name, preferred_username, picture and groups, and compares keys exactly', () => {
    const claims = { name: 'N', preferred_username: 'syno', picture: 'https://p', groups: ['g'], Sub: 'not sub' };
    expect(merge(rulesWith(claims)).claims).toEqual(claims);
  });

  it('gives /userinfo only the rules with includeInUserInfo', () => {
    const rules = parseCapRules(
      [
        { extraClaims: { both: ['a'], tokenOnly: 'x' } },
        { extraClaims: { both: ['b'], shared: 1 }, includeInUserInfo: true },
      ],
      'test',
      () => undefined,
    );
    expect(extraClaimsForUserinfo(rules, () => undefined)).toEqual({ both: ['b'], shared: 1 });
    expect(merge(rules).claims).toEqual({ both: ['a', 'b'], tokenOnly: 'x', shared: 1 });
    expect(extraClaimsForUserinfo(rulesWith({ foo: 'bar' }), () => undefined)).toEqual({});
  });
});
