import { isLosslessNumber, parse } from 'lossless-json';

/**
 * The parts of tailscaled's `apitype.WhoIsResponse` (reference/tsidp.md §8.2) that meshid reads,
 * under the PascalCase names Go gives them. Every other field of the answer (Hostinfo details,
 * KeyExpiry, Endpoints, ...) is ignored whatever it holds, so a newer tailscaled adding or
 * reshaping fields meshid does not use cannot break sign-in.
 *
 * The int64 ids (Node.ID, Node.User, UserProfile.ID) are exact decimal strings: they may exceed
 * 2^53, where a JavaScript number would silently round them to another user's id.
 */
export interface WhoIsResponse {
  Node: WhoIsNode;
  UserProfile: WhoIsUserProfile;
  /** tailcfg.PeerCapMap: capability name → raw JSON values, one per matching grant. */
  CapMap?: Record<string, unknown>;
}

export interface WhoIsNode {
  ID: string;
  /** The FQDN with its trailing dot; may be empty. */
  Name: string;
  /** The owner's user id; "0" when absent (omitzero). For a tagged node it is not a person. */
  User: string;
  Key: string;
  Addresses: string[];
  Tags?: string[];
  ComputedName?: string;
  Hostinfo?: { Hostname?: string };
}

export interface WhoIsUserProfile {
  ID: string;
  LoginName: string;
  DisplayName?: string;
  ProfilePicURL?: string;
  /** Only from tailscaled ≥ 1.98 with the see-groups node attribute; items are not checked here. */
  Groups?: unknown[];
}

/** A whois answer meshid cannot use: malformed JSON, or a field it reads has the wrong type. */
export class WhoIsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhoIsFormatError';
  }
}

type JsonRecord = Record<string, unknown>;

/**
 * Parses the text of a whois answer. Numbers are kept as lossless-json's LosslessNumber while
 * validating, so ids come out exact; the CapMap is then turned back into plain JSON values with
 * ordinary numbers, as Go's tsidp reads grants (float64), since capability rules are small
 * values and policy code should not meet LosslessNumber. Absent and `null` optional fields are
 * the same thing: Go writes nil slices and maps as null unless they are omitempty/omitzero.
 */
export function parseWhoIs(text: string): WhoIsResponse {
  let root: unknown;
  try {
    root = parse(text);
  } catch (error) {
    throw new WhoIsFormatError(`not valid JSON (${(error as Error).message})`);
  }
  const top = record(root, 'the answer');
  const node = record(top['Node'], 'Node');
  const profile = record(top['UserProfile'], 'UserProfile');

  const parsedNode: WhoIsNode = {
    ID: int64(node['ID'], 'Node.ID'),
    Name: string(node['Name'], 'Node.Name'),
    User: absent(node['User']) ? '0' : int64(node['User'], 'Node.User'),
    Key: string(node['Key'], 'Node.Key'),
    Addresses: absent(node['Addresses']) ? [] : strings(node['Addresses'], 'Node.Addresses'),
  };
  if (!absent(node['Tags'])) parsedNode.Tags = strings(node['Tags'], 'Node.Tags');
  if (!absent(node['ComputedName'])) parsedNode.ComputedName = string(node['ComputedName'], 'Node.ComputedName');
  if (!absent(node['Hostinfo'])) {
    const hostinfo = record(node['Hostinfo'], 'Node.Hostinfo');
    parsedNode.Hostinfo = absent(hostinfo['Hostname']) ? {} : { Hostname: string(hostinfo['Hostname'], 'Node.Hostinfo.Hostname') };
  }

  const parsedProfile: WhoIsUserProfile = {
    ID: int64(profile['ID'], 'UserProfile.ID'),
    LoginName: string(profile['LoginName'], 'UserProfile.LoginName'),
  };
  if (!absent(profile['DisplayName'])) parsedProfile.DisplayName = string(profile['DisplayName'], 'UserProfile.DisplayName');
  if (!absent(profile['ProfilePicURL'])) parsedProfile.ProfilePicURL = string(profile['ProfilePicURL'], 'UserProfile.ProfilePicURL');
  if (!absent(profile['Groups'])) {
    if (!Array.isArray(profile['Groups'])) throw wrongType('UserProfile.Groups', 'an array');
    parsedProfile.Groups = profile['Groups'].map(plainJson);
  }

  const response: WhoIsResponse = { Node: parsedNode, UserProfile: parsedProfile };
  if (!absent(top['CapMap'])) response.CapMap = plainJson(record(top['CapMap'], 'CapMap')) as Record<string, unknown>;
  return response;
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function wrongType(field: string, expected: string): WhoIsFormatError {
  return new WhoIsFormatError(`${field} is not ${expected}`);
}

function record(value: unknown, field: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isLosslessNumber(value)) {
    throw wrongType(field, 'an object');
  }
  return value as JsonRecord;
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') throw wrongType(field, 'a string');
  return value;
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw wrongType(field, 'an array of strings');
  return value as string[];
}

/** An int64 as its exact decimal string (Go never writes ids as strings or in exponent form). */
function int64(value: unknown, field: string): string {
  if (!isLosslessNumber(value) || !/^-?(0|[1-9]\d{0,18})$/.test(value.value)) throw wrongType(field, 'an integer');
  return value.value;
}

/** LosslessNumber → number, recursively: for values meshid passes on rather than reads. */
function plainJson(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainJson(item)]));
  }
  return value;
}
