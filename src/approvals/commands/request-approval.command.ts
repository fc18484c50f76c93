import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface ApprovalRequest {
  clientId: string;
  clientName: string;
  userAgent: string | undefined;
  ip: string;
}

export interface RequestedApproval {
  approvalId: string;
  /** The short code, canonical (8 characters); returned once, never stored. */
  code: string;
  number: number;
  /** The waiting browser's secret (its cookie); only its HMAC is stored. */
  browserSecret: string;
  expiresAt: number;
}

/** A browser outside the tailnet asks to be approved from a tailnet device. */
export class RequestApprovalCommand extends Command<RequestedApproval> {
  constructor(
    readonly request: ApprovalRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}
