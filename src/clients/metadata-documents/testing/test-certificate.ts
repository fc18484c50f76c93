/**
 * TEST-ONLY key and self-signed certificate (EC P-256, CN localhost, SAN DNS:localhost and
 * IP:127.0.0.1, valid until 2126-10-31), generated once with `openssl req -x509 -newkey ec -pkeyopt
 * ec_paramgen_curve:P-256 -nodes -days 36500 -subj /CN=localhost -addext
 * "subjectAltName=DNS:localhost,IP:127.0.0.1"`. The private key is public knowledge: it must never
 * protect anything. Committed rather than generated per run so the tests need no openssl. It
 * serves the local metadata-document server in the fetcher's tests, and is trusted there only as
 * the fetcher's extra CA.
 */
export const TEST_LOCALHOST_KEY_PEM = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghjYJeeNYffX5NKOb
k3oOEySE4DkS0er8d26qTUKIm8yhRANCAASz6BnUCL/VQTUaEoSYSBVwTc8SfZnj
FyRyW0DoWx8CKeto9COAjAebbwbub6bSf/lQ8BdaR/QYDauhT4U0LPeC
-----END PRIVATE KEY-----
`.trimStart();

export const TEST_LOCALHOST_CERTIFICATE_PEM = `
-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUKndfbuFqqUd24L7HqqkLOYRDstwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDAwMjU0NVoYDzIxMjYxMDMx
MDAyNTQ1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASz6BnUCL/VQTUaEoSYSBVwTc8SfZnjFyRyW0DoWx8CKeto9COAjAeb
bwbub6bSf/lQ8BdaR/QYDauhT4U0LPeCo28wbTAdBgNVHQ4EFgQUzzj3ML8a0LvM
fb1vtv/kyWgyXqswHwYDVR0jBBgwFoAUzzj3ML8a0LvMfb1vtv/kyWgyXqswDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAImk3DuhaFJ3ZzsGtU6R7wsori2VzIeNj8M42Kfy8SiPAiEA
rhgPIa07gvWGDplZ1brQx4P38bEmIwo5nwRkwiVhfk8=
-----END CERTIFICATE-----
`.trimStart();
