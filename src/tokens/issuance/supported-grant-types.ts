import { type GrantType, TOKEN_EXCHANGE_GRANT } from '../../clients/domain/client-metadata.js';
import type { MeshidConfig } from '../../config/meshid-config.js';

/** The grant types /token serves with this configuration (also discovery's `grant_types_supported`). */
export function supportedGrantTypes(config: Pick<MeshidConfig, 'tokenExchange'>): GrantType[] {
  const always: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
  return config.tokenExchange ? [...always, TOKEN_EXCHANGE_GRANT] : always;
}
