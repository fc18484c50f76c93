/** Browsers in the order they must be tested (Edge and Opera also say Chrome; Chrome also says Safari). */
const BROWSERS: ReadonlyArray<[string, RegExp]> = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /OPR\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
];
const SYSTEMS: ReadonlyArray<[string, RegExp]> = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad|iPod/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];
const MAX_OTHER = 60;

/**
 * What the approver is told about the waiting browser: "Firefox 128 on Linux", or, for a user
 * agent it does not recognise, the start of the header itself (printable ASCII only). The full
 * header is not kept: it says little more and fingerprints the person.
 */
export function browserSummary(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === '') return 'an unknown browser';
  const ua = userAgent.slice(0, 1024);
  const browser = BROWSERS.find(([, pattern]) => pattern.test(ua));
  const system = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  if (browser === undefined) return ua.replace(/[^ -~]/g, '').slice(0, MAX_OTHER).trim() || 'an unknown browser';
  const version = browser[1].exec(ua)![1];
  return `${browser[0]} ${version}${system !== undefined ? ` on ${system}` : ''}`;
}
