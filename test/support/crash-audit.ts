import type { Ledger } from './crash-load.js';

/** One record of `meshid audit export` (NDJSON), the fields the checks read. */
export interface ExportedEvent {
  position: string;
  stream: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
}

/** What the final re-sends (after the last restart) got, to be matched against what they wrote. */
export interface Resends {
  /** Grants whose rotated-away refresh tokens were sent again (each answered invalid_grant). */
  refreshReplayedGrants: string[];
  /** Challenges of codes sent again and refused: each must have been redeemed exactly once before. */
  codesRefused: string[];
  /** Codes sent again and answered 200 (their exchange was cut before anything was written), with the new grant. */
  codesRedeemedLate: { challenge: string; grantId: string }[];
}

export interface AuditFindings {
  problems: string[];
  /** Events of the code and grant streams the checks read. */
  eventsChecked: number;
  /** Redemptions whose grant was never issued: a kill landed between the two appends (not a fault). */
  redeemedWithoutGrant: number;
}

interface CodeStream {
  challenge: string | null;
  redeemed: string[];
  reuses: number;
}

interface GrantStream {
  issued: number;
  issuedDigest: string | null;
  rotations: { from: string; to: string }[];
  reusePresented: string[];
}

function codeStreams(events: ExportedEvent[]): Map<string, CodeStream> {
  const streams = new Map<string, CodeStream>();
  for (const event of events) {
    if (!event.stream.startsWith('authcode-')) continue;
    const stream = streams.get(event.stream) ?? { challenge: null, redeemed: [], reuses: 0 };
    streams.set(event.stream, stream);
    if (event.type === 'AuthorizationCodeIssued') stream.challenge = (event.data['codeChallenge'] as string | null) ?? null;
    if (event.type === 'AuthorizationCodeRedeemed') stream.redeemed.push(event.data['grantId'] as string);
    if (event.type === 'AuthorizationCodeReuseDetected') stream.reuses++;
  }
  return streams;
}

function grantStreams(events: ExportedEvent[]): Map<string, GrantStream> {
  const streams = new Map<string, GrantStream>();
  for (const event of events) {
    if (!event.stream.startsWith('grant-')) continue;
    const grantId = event.stream.slice('grant-'.length);
    const stream = streams.get(grantId) ?? { issued: 0, issuedDigest: null, rotations: [], reusePresented: [] };
    streams.set(grantId, stream);
    if (event.type === 'GrantIssued') {
      stream.issued++;
      stream.issuedDigest = event.data['refreshTokenDigest'] as string;
    }
    if (event.type === 'RefreshTokenRotated') stream.rotations.push({ from: event.data['fromDigest'] as string, to: event.data['toDigest'] as string });
    if (event.type === 'RefreshTokenReuseDetected') stream.reusePresented.push(event.data['presentedDigest'] as string);
  }
  return streams;
}

/**
 * Single use, read from the log: a code is redeemed at most once; a grant is issued at most once
 * and its refresh tokens form one chain (each rotation starts from the token the previous one
 * issued), so no refresh token was ever rotated twice.
 */
function checkSingleUse(codes: Map<string, CodeStream>, grants: Map<string, GrantStream>, problems: string[]): void {
  for (const [stream, code] of codes) {
    if (code.redeemed.length > 1) problems.push(`${stream} was redeemed ${code.redeemed.length} times (grants ${code.redeemed.join(', ')})`);
  }
  for (const [grantId, grant] of grants) {
    if (grant.issued > 1) problems.push(`grant ${grantId} was issued ${grant.issued} times`);
    let current = grant.issuedDigest;
    const seen = new Set<string>();
    for (const [index, rotation] of grant.rotations.entries()) {
      if (seen.has(rotation.from)) problems.push(`grant ${grantId}: a refresh token was rotated twice (rotation #${index + 1})`);
      else if (rotation.from !== current) problems.push(`grant ${grantId}: rotation #${index + 1} does not start from the current refresh token (a fork)`);
      seen.add(rotation.from);
      current = rotation.to;
    }
  }
}

/** Every acknowledged operation has its event: codes by PKCE challenge, token responses and refreshes by grant id. */
function checkAcknowledged(ledger: Ledger, codes: Map<string, CodeStream>, grants: Map<string, GrantStream>, problems: string[]): Map<string, CodeStream> {
  const byChallenge = new Map<string, CodeStream>();
  for (const code of codes.values()) if (code.challenge !== null) byChallenge.set(code.challenge, code);
  for (const code of ledger.codes) {
    if (!byChallenge.has(code.challenge)) problems.push(`acknowledged code (challenge ${code.challenge}) has no AuthorizationCodeIssued`);
  }
  for (const acknowledged of ledger.grants) {
    const code = byChallenge.get(acknowledged.challenge);
    if (code !== undefined && !code.redeemed.includes(acknowledged.grantId)) {
      problems.push(`acknowledged token response (grant ${acknowledged.grantId}) has no AuthorizationCodeRedeemed naming it`);
    }
    const grant = grants.get(acknowledged.grantId);
    if (grant === undefined || grant.issued === 0) {
      problems.push(`acknowledged token response (grant ${acknowledged.grantId}) has no GrantIssued`);
      continue;
    }
    const refreshes = acknowledged.refreshTokens.length - 1;
    if (grant.rotations.length < refreshes) {
      problems.push(`grant ${acknowledged.grantId}: ${refreshes} refreshes acknowledged, ${grant.rotations.length} RefreshTokenRotated in the log`);
    }
  }
  return byChallenge;
}

/** The re-sends after the last restart were refused as replays (recorded), or honoured only if never redeemed. */
function checkResends(resends: Resends, byChallenge: Map<string, CodeStream>, grants: Map<string, GrantStream>, problems: string[]): void {
  for (const grantId of resends.refreshReplayedGrants) {
    const grant = grants.get(grantId);
    const rotatedAway = new Set(grant?.rotations.map((rotation) => rotation.from));
    if (!grant?.reusePresented.some((digest) => rotatedAway.has(digest))) {
      problems.push(`grant ${grantId}: a rotated-away refresh token sent again was not recorded as a reuse (RefreshTokenReuseDetected)`);
    }
  }
  for (const challenge of resends.codesRefused) {
    const code = byChallenge.get(challenge);
    if (code === undefined) continue;
    if (code.redeemed.length !== 1 || code.reuses === 0) {
      problems.push(`code (challenge ${challenge}) refused when sent again, but the log has ${code.redeemed.length} redemptions and ${code.reuses} reuses`);
    }
  }
  for (const { challenge, grantId } of resends.codesRedeemedLate) {
    const code = byChallenge.get(challenge);
    if (code === undefined) continue;
    if (code.redeemed.length !== 1 || code.redeemed[0] !== grantId) {
      problems.push(`code (challenge ${challenge}) redeemed after the last restart, but the log has redemptions ${code.redeemed.join(', ')}`);
    }
  }
}

/** Matches what the load was told (the ledger) and what the re-sends got against the exported log. */
export function auditLog(ledger: Ledger, resends: Resends, events: ExportedEvent[]): AuditFindings {
  const problems: string[] = [];
  const codes = codeStreams(events);
  const grants = grantStreams(events);
  checkSingleUse(codes, grants, problems);
  const byChallenge = checkAcknowledged(ledger, codes, grants, problems);
  checkResends(resends, byChallenge, grants, problems);
  let redeemedWithoutGrant = 0;
  for (const code of codes.values()) for (const grantId of code.redeemed) if (!grants.get(grantId)?.issued) redeemedWithoutGrant++;
  const eventsChecked = events.filter((event) => event.stream.startsWith('authcode-') || event.stream.startsWith('grant-')).length;
  return { problems, eventsChecked, redeemedWithoutGrant };
}

export function parseNdjson(text: string): ExportedEvent[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedEvent);
}
