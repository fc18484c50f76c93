import { describe, expect, it } from '@jest/globals';
import { HujsonError, parseHujson, standardizeHujson } from './hujson.js';

function errorOf(text: string): HujsonError {
  try {
    parseHujson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(HujsonError);
    return error as HujsonError;
  }
  throw new Error('expected a HujsonError');
}

describe('parseHujson', () => {
  it('reads plain JSON', () => {
    expect(parseHujson('{"a": [1, true, null, "x"]}')).toEqual({ a: [1, true, null, 'x'] });
  });

  it('ignores line and block comments', () => {
    const text = `// the policy
{
  /* groups
     of people */
  "groups": {"group:admins": ["alice@example.com"]}, // who administers
  "n": /* inline */ 1
}
// trailing remark`;
    expect(parseHujson(text)).toEqual({ groups: { 'group:admins': ['alice@example.com'] }, n: 1 });
  });

  it('accepts trailing commas in objects and arrays, also before a comment', () => {
    expect(parseHujson('{"a": [1, 2,], "b": {"c": 3,},}')).toEqual({ a: [1, 2], b: { c: 3 } });
    expect(parseHujson('[\n  "x", // last\n]')).toEqual(['x']);
    expect(parseHujson('[true,\n/* gone */\n]')).toEqual([true]);
  });

  it('leaves comment markers and commas inside strings alone', () => {
    expect(parseHujson('{"url": "https://example.com/a", "c": "/* not */", "t": "a,]"}')).toEqual({
      url: 'https://example.com/a',
      c: '/* not */',
      t: 'a,]',
    });
  });

  it('handles escaped quotes and backslashes inside strings', () => {
    expect(parseHujson(String.raw`{"q": "say \"hi\" // still a string", "b": "C:\\", "after": 1, }`)).toEqual({
      q: 'say "hi" // still a string',
      b: 'C:\\',
      after: 1,
    });
  });

  it('keeps the text length and line breaks, so positions still match', () => {
    const text = '{\n  // c\n  "a": 1, /* x\n y */\n}';
    const standard = standardizeHujson(text);
    expect(standard).toHaveLength(text.length);
    expect(standard.split('\n')).toHaveLength(text.split('\n').length);
  });

  it('accepts a byte order mark', () => {
    expect(parseHujson('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('rejects a comma that follows no value, as HuJSON does', () => {
    expect(() => parseHujson('[,]')).toThrow(HujsonError);
    expect(() => parseHujson('{"a": 1,,}')).toThrow(HujsonError);
  });

  it('gives the line and column of a syntax error', () => {
    const error = errorOf('{\n  // fine\n  "a": 1\n  "b": 2\n}');
    expect([error.line, error.column]).toEqual([4, 3]);
    expect(error.message).toMatch(/^line 4 column 3: /);
  });

  it('gives the line and column of an unexpected token', () => {
    const error = errorOf('{\n  "a": x\n}');
    expect([error.line, error.column]).toEqual([2, 8]);
    expect(error.message).toBe("line 2 column 8: Unexpected token 'x'");
  });

  it('points at the end of a truncated text', () => {
    const error = errorOf('{\n  "a": [1,');
    expect([error.line, error.column]).toEqual([2, 11]);
  });

  it('reports an unterminated block comment where it starts', () => {
    const error = errorOf('{\n  "a": 1 /* never closed\n}');
    expect(error.message).toBe('line 2 column 10: unterminated /* comment');
  });
});
