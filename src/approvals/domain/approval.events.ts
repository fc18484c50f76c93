import type { JsonObject } from '#event-store';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';

export const APPROVAL_REQUESTED = 'ApprovalRequested';
export const APPROVAL_GRANTED = 'ApprovalGranted';
export const APPROVAL_DENIED = 'ApprovalDenied';
export const APPROVAL_REDEEMED = 'ApprovalRedeemed';

export const APPROVAL_STREAM_PREFIX = 'approval-';
/**
 * An approval's stream, named by its id: the HMAC of its short code under a key of its own
 * (ApprovalCodes.approvalId). So the approver, who holds only the code, finds the request with
 * one read and no read model, the code never appears in clear, and creating the stream with
 * `no_stream` makes a code that is still (or was ever) in use impossible to hand out twice.
 */
export const approvalStream = (approvalId: string) => `${APPROVAL_STREAM_PREFIX}${approvalId}`;

/** How long a code may be entered, and the waiting browser wait (issue G §3). */
export const APPROVAL_LIFETIME_MS = 5 * 60_000;

/** A browser outside the tailnet asks to be signed in by someone on a tailnet device. */
export interface ApprovalRequested extends JsonObject {
  /** HMAC of the waiting browser's cookie secret: only that browser can redeem the approval. */
  browserSecretDigest: string;
  /** The number (10-99) the waiting browser shows, which the approver must pick among three. */
  number: number;
  clientId: string;
  clientName: string;
  /** A short description of the waiting browser's user agent, e.g. "Firefox 128 on Linux". */
  browser: string;
  /** The waiting browser's address as meshid saw it. */
  ip: string;
  /** Milliseconds since the epoch. */
  requestedAt: number;
  expiresAt: number;
}

/**
 * The approver picked the right number: the waiting browser may now be signed in as them.
 * `identity` is who they were on the tailnet when they approved (claims and snapshot), since the
 * waiting browser is not on the tailnet: personal data, sealed per subject.
 */
export interface ApprovalGranted extends JsonObject {
  subject: string;
  identity: RecordedIdentity;
  approvedAt: number;
}

export type ApprovalDenialReason = 'denied' | 'wrong_number';

/** The approver said no, or picked a wrong number (the request may be a phishing attempt). */
export interface ApprovalDenied extends JsonObject {
  reason: ApprovalDenialReason;
  /** Who refused: not personal data beyond the subject, which every event's metadata carries anyway. */
  subject: string;
  deniedAt: number;
}

/** The waiting browser was signed in: the approval is used up. */
export interface ApprovalRedeemed extends JsonObject {
  at: number;
}
