/** The page a setup or bootstrap link opens: `<issuer>/setup?token=...`. */
export function setupUrl(issuer: string, token: string): string {
  return `${issuer.replace(/\/+$/, '')}/setup?token=${encodeURIComponent(token)}`;
}
