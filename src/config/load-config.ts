import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { readExtraCaFile, trustedCertificates } from '../clients/metadata-documents/extra-ca.js';
import { GrantsFile } from '../policy/capabilities/grants-file.js';
import { ConfigError } from './config-error.js';
import {
  type ConfigKey,
  describeOrigin,
  fromEnvironment,
  fromFile,
  type RawSetting,
  tsidpEnvironmentNotes,
  unknownEnvironmentNames,
} from './config-sources.js';
import { EXPECTED_FORM, MeshidConfig } from './meshid-config.js';
import { shownValue } from './secret-settings.js';

export interface ConfigInput {
  env: NodeJS.ProcessEnv;
  /** Directory relative paths (the data directory, `meshid.yaml`) are resolved against. */
  cwd: string;
  /** `--config FILE`: must exist. Without it, `meshid.yaml` in `cwd` is read if present. */
  configFile?: string;
  /** Command-line flags; they win over the environment, which wins over the file. */
  overrides?: Partial<Record<ConfigKey, unknown>>;
}

export interface LoadedConfig {
  config: MeshidConfig;
  /** The file the configuration was read from, if any. */
  file?: string;
  warnings: string[];
}

const KEYS = Object.keys(EXPECTED_FORM) as ConfigKey[];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** Builds and validates the configuration; throws `ConfigError` naming every bad key. */
export function loadConfig(input: ConfigInput): LoadedConfig {
  const warnings = [
    ...unknownEnvironmentNames(input.env).map((name) => `unknown environment variable ${name} ignored`),
    ...tsidpEnvironmentNotes(input.env),
  ];
  const { settings: fileSettings, file } = readConfigFile(input);
  const settings = new Map<ConfigKey, RawSetting>([...fileSettings, ...fromEnvironment(input.env)]);
  for (const [key, value] of Object.entries(input.overrides ?? {}) as Array<[ConfigKey, unknown]>) {
    if (value !== undefined) settings.set(key, { value, origin: { kind: 'flag' } });
  }

  const config = new MeshidConfig();
  for (const [key, { value }] of settings) (config as unknown as Record<string, unknown>)[key] = value;
  const origin = (key: ConfigKey) => settings.get(key)?.origin ?? { kind: 'default' as const };

  const problems = validateSync(config, { forbidUnknownValues: true }).map((error) => {
    const key = error.property as ConfigKey;
    return `${describeOrigin(key, origin(key))} = ${JSON.stringify(shownValue(key, error.value))}: expected ${EXPECTED_FORM[key]}`;
  });
  if (config.devIdentity !== undefined && !LOOPBACK_HOSTS.has(config.host)) {
    problems.push(
      `${describeOrigin('devIdentity', origin('devIdentity'))} is refused: the dev resolver runs only when host is a loopback address, and host is ${JSON.stringify(config.host)}`,
    );
  }
  if (config.tls === 'tailscale' && !config.issuer.startsWith('https://')) {
    problems.push(`${describeOrigin('tls', origin('tls'))} = "tailscale" needs an https issuer named for this node (https://<name>.<tailnet>.ts.net), and issuer is ${JSON.stringify(config.issuer)}`);
  }
  if (typeof config.grantsFile === 'string' && config.grantsFile.trim() !== '') {
    config.grantsFile = resolve(input.cwd, config.grantsFile);
    problems.push(...grantsFileProblems(config.grantsFile));
  }
  if (typeof config.clientIdMetadataCaFile === 'string' && config.clientIdMetadataCaFile.trim() !== '') {
    config.clientIdMetadataCaFile = resolve(input.cwd, config.clientIdMetadataCaFile);
    const where = describeOrigin('clientIdMetadataCaFile', origin('clientIdMetadataCaFile'));
    problems.push(...caFileProblems(config.clientIdMetadataCaFile).map((problem) => problem.replace(/^clientIdMetadataCaFile/, where)));
  }
  if (problems.length > 0) throw new ConfigError(problems);

  if (config.devIdentity !== undefined && !config.identity.includes('dev')) config.identity = ['dev', ...config.identity];
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(input.cwd, config.dataDir);
  return { config, warnings, ...(file ? { file } : {}) };
}

/**
 * A grants file that is missing or unreadable stops start like any other bad setting, here,
 * before the application is built (and `meshid config` checks it too). Rule-level problems are
 * only warnings, which the policy module logs once it reads the file for real.
 */
function grantsFileProblems(path: string): readonly string[] {
  try {
    GrantsFile.open(path, { warn: () => undefined, error: () => undefined });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** The extra CA file of metadata-document fetches is read and parsed at start, like the grants file. */
function caFileProblems(path: string): readonly string[] {
  try {
    trustedCertificates(readExtraCaFile(path));
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

function readConfigFile(input: ConfigInput): { settings: Map<ConfigKey, RawSetting>; file?: string } {
  const path = input.configFile ? resolve(input.cwd, input.configFile) : resolve(input.cwd, 'meshid.yaml');
  if (!existsSync(path)) {
    if (input.configFile) throw new ConfigError([`config file ${path} does not exist`]);
    return { settings: new Map() };
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`config file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (document === null || document === undefined) return { settings: new Map(), file: path };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError([`config file ${path} must be a mapping of keys to values`]);
  }
  const unknown = Object.keys(document).filter((key) => !KEYS.includes(key as ConfigKey));
  if (unknown.length > 0) {
    throw new ConfigError(unknown.map((key) => `config file ${path}: unknown key ${JSON.stringify(key)} (known keys: ${KEYS.join(', ')})`));
  }
  return { settings: fromFile(document as Record<string, unknown>, path, KEYS), file: path };
}
