/**
 * TEST-ONLY key and self-signed certificate (EC P-256, CN and SAN idp.tail1234.ts.net, valid
 * until 2126-10-30), generated once with `openssl req -x509 -newkey ec -pkeyopt
 * ec_paramgen_curve:P-256 -nodes -days 36500`. The private key is public knowledge: it must never
 * protect anything. Committed rather than generated per run so the tests need no openssl.
 */
export const TEST_KEY_PEM = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPUm41tE1GbD3VOX2
nd2lc6ddwXB4y01YhIyzxm5Q41mhRANCAAQfqaTDmOzLAZMTWjwIBIugLj09oaRG
dttDW2AXR9xvI5hoYAoKBjQIlD514CnPVvV6BkeG6JnLWxcchgn9aBGC
-----END PRIVATE KEY-----
`.trimStart();

export const TEST_CERTIFICATE_PEM = `
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIURhAUdpIHFskyytvBNIsXjbjFh9AwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTaWRwLnRhaWwxMjM0LnRzLm5ldDAgFw0yNjExMjMyMzM4MjRa
GA8yMTI2MTAzMDIzMzgyNFowHjEcMBoGA1UEAwwTaWRwLnRhaWwxMjM0LnRzLm5l
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABB+ppMOY7MsBkxNaPAgEi6AuPT2h
pEZ220NbYBdH3G8jmGhgCgoGNAiUPnXgKc9W9XoGR4bomctbFxyGCf1oEYKjczBx
MB0GA1UdDgQWBBQcQduxhtcoMJzp28ZRKxkZlruYdzAfBgNVHSMEGDAWgBQcQdux
htcoMJzp28ZRKxkZlruYdzAPBgNVHRMBAf8EBTADAQH/MB4GA1UdEQQXMBWCE2lk
cC50YWlsMTIzNC50cy5uZXQwCgYIKoZIzj0EAwIDSAAwRQIgeJXBPkjNMzR3jZCj
lWrqrHQqc5wffvF7IN/sLVYV0p4CIQDii7dwCicOkMTbv+Xi72eMP36rpD6Zjfqn
QVQ1oI9PrA==
-----END CERTIFICATE-----
`.trimStart();

/** When TEST_CERTIFICATE_PEM expires (its notAfter), in ms since the epoch. */
export const TEST_CERTIFICATE_NOT_AFTER = Date.parse('2126-10-30T23:38:24Z');

/** The certificate in the form tailscaled's `/localapi/v0/cert/<domain>?type=pair` returns: key first, then certificate. */
export const TEST_CERTIFICATE_PAIR = TEST_KEY_PEM + TEST_CERTIFICATE_PEM;
