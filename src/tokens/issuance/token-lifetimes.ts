/** Access and ID tokens live 5 minutes (tsidp parity: `expires_in: 300`). */
export const ACCESS_TOKEN_TTL_SECONDS = 300;
export const ID_TOKEN_TTL_SECONDS = 300;
