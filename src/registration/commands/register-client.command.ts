import { Command } from '@nestjs/cqrs';
import type { CreateClientResult } from '../../clients/commands/create-client.command.js';

/**
 * What authorized a dynamic registration (RFC 7591 §3): an initial access token, which the
 * registration consumes one use of, or a person whose policy allows registering (allow_dcr).
 */
export type RegistrationAuthority = { kind: 'initial-access-token'; token: string } | { kind: 'identity'; subject: string };

export interface RegisterClientResult extends CreateClientResult {
  /** The registration access token (RFC 7592), returned this once. */
  registrationAccessToken: string;
  /** Who registered it, as recorded in the event metadata. */
  actor: string;
}

/**
 * Registers a client dynamically from the request body as received (mapped and validated by
 * parseRegistrationRequest), with a registration access token. The initial access token is
 * checked first, so that whoever holds none learns nothing about the metadata rules; invalid
 * metadata is refused before the token is consumed; the token is consumed before the client
 * exists, so that a token of N uses never registers more than N clients, even across processes.
 */
export class RegisterClientCommand extends Command<RegisterClientResult> {
  constructor(
    /** The parsed JSON body of POST /register: not yet known to be an object. */
    readonly request: unknown,
    readonly authority: RegistrationAuthority,
    readonly context: { correlationId: string; ip?: string },
  ) {
    super();
  }
}
