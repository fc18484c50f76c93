import { statSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.js';
import type { CapRule } from './cap-rule.js';
import { type GrantsContent, type GrantSubject, readGrants, srcMatches, UnusableGrants } from './grants-document.js';

const CONFIG_KEY = 'grantsFile (MESHID_GRANTS_FILE)';

export interface GrantsFileOptions {
  warn: (message: string) => void;
  error: (message: string) => void;
  log?: (message: string) => void;
  /** Milliseconds, Date.now by default; injected by tests to drive the reload check. */
  clock?: () => number;
}

/**
 * The local grants file (DESIGN §5): tsidp capability rules, in tailnet-policy grant syntax, for
 * identities that do not come from tailscaled. Read once at start, where any problem stops
 * meshid; then re-read when its mtime or size changes (checked at most once a second), and a
 * version that cannot be used leaves the last good rules in force.
 */
export class GrantsFile {
  static readonly CHECK_INTERVAL_MS = 1000;

  private lastCheck: number;
  private failedVersion: string | undefined;

  private constructor(
    readonly path: string,
    private readonly options: GrantsFileOptions,
    private content: GrantsContent,
    private version: string,
  ) {
    this.lastCheck = this.now();
  }

  /** Reads the file; throws ConfigError naming the setting, the path and the reason. */
  static open(path: string, options: GrantsFileOptions): GrantsFile {
    try {
      const version = versionOf(path);
      return new GrantsFile(path, options, readGrants(path, options.warn), version);
    } catch (error) {
      throw new ConfigError([`${CONFIG_KEY}: ${path} ${reasonOf(error)}`]);
    }
  }

  /** The tsidp rules of every grant whose `src` includes the subject, in file order. */
  rulesFor(subject: GrantSubject): CapRule[] {
    this.refreshIfDue();
    const { grants, groups } = this.content;
    return grants.filter((grant) => grant.src.some((entry) => srcMatches(entry, subject, groups))).flatMap((grant) => grant.rules);
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private refreshIfDue(): void {
    const now = this.now();
    if (now - this.lastCheck < GrantsFile.CHECK_INTERVAL_MS) return;
    this.lastCheck = now;
    let version: string;
    try {
      version = versionOf(this.path);
    } catch (error) {
      this.failed('missing', error);
      return;
    }
    if (version === this.version) {
      this.failedVersion = undefined;
      return;
    }
    if (version === this.failedVersion) return;
    try {
      this.content = readGrants(this.path, this.options.warn);
      this.version = version;
      this.failedVersion = undefined;
      this.options.log?.(`${CONFIG_KEY}: reloaded ${this.path}`);
    } catch (error) {
      this.failed(version, error);
    }
  }

  /** Logs a version that cannot be used, once per version. */
  private failed(version: string, error: unknown): void {
    if (version === this.failedVersion) return;
    this.failedVersion = version;
    this.options.error(`${CONFIG_KEY}: ${this.path} ${reasonOf(error)}; keeping the rules last read from it`);
  }
}

/** What identifies a version of the file without reading it. */
function versionOf(path: string): string {
  const stat = statSync(path);
  return `${stat.mtimeMs}:${stat.size}`;
}

function reasonOf(error: unknown): string {
  if (error instanceof UnusableGrants) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot be read (${(error as Error).message})`;
}

