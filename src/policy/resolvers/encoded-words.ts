/**
 * Decodes RFC 2047 encoded-words (`=?utf-8?q?J=C3=BCrgen?=`), the form `tailscale serve` gives
 * non-ASCII values of Tailscale-User-Login and -Name. Whitespace between two encoded-words is
 * dropped (§6.2); other text is kept. Null when a word is malformed, not UTF-8, or decodes to
 * invalid UTF-8: a header meshid cannot read exactly is not an identity.
 */
export function decodeEncodedWords(value: string): string | null {
  if (!value.includes('=?')) return value;
  const word = /=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=/g;
  let result = '';
  let last = 0;
  let previousWasWord = false;
  for (let match = word.exec(value); match !== null; match = word.exec(value)) {
    const between = value.slice(last, match.index);
    if (!(previousWasWord && /^\s*$/.test(between))) result += between;
    const decoded = decodeWord(match[1]!, match[2]!, match[3]!);
    if (decoded === null) return null;
    result += decoded;
    last = match.index + match[0].length;
    previousWasWord = true;
  }
  return result + value.slice(last);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeWord(charset: string, encoding: string, text: string): string | null {
  const lower = charset.toLowerCase();
  if (lower !== 'utf-8' && lower !== 'us-ascii') return null;
  let bytes: Buffer;
  if (encoding === 'b' || encoding === 'B') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
    bytes = Buffer.from(text, 'base64');
  } else {
    if (/=(?![0-9A-Fa-f]{2})/.test(text)) return null;
    const raw = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    bytes = Buffer.from(raw, 'latin1');
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}
