/**
 * Test-only TLS material: a CA, a server certificate for `localhost` / `temporal.test` /
 * `127.0.0.1`, and a client certificate, all signed by the CA and valid until 2126. No secret:
 * the keys exist only for these tests. Made with OpenSSL 3 (P-256 keys):
 *
 * ```sh
 * openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 36500 -subj "/CN=Sandglass Test CA"
 * openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
 * openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 36500 \
 *   -extfile <(printf "subjectAltName=DNS:localhost,DNS:temporal.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
 * openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj "/CN=sandglass-test-client"
 * openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 36500 \
 *   -extfile <(printf "extendedKeyUsage=clientAuth")
 * ```
 */

export const CA_CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUJTKGonW4xFGyKeQbhu9qVWowQ8gwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRU2FuZGdsYXNzIFRlc3QgQ0EwIBcNMjYxMTIyMDIyNjIzWhgP
MjEyNjEwMjkwMjI2MjNaMBwxGjAYBgNVBAMMEVNhbmRnbGFzcyBUZXN0IENBMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm2QFVyw5TDix48FyNBLr755xtLlet7p6
jX2h+RcRpMn0MwCxniikUO912viqwJNP5ngkYX5b9a96Ic/qiWaVs6NTMFEwHQYD
VR0OBBYEFM5Xg2bQtI1AqKAouSmMIgZ9UGOdMB8GA1UdIwQYMBaAFM5Xg2bQtI1A
qKAouSmMIgZ9UGOdMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
AI2swwSdTa65TANt+qBRPmQ6FuUyBin/WMFbCpDUEaJCAiBMD+nLMUvdzqtAzlR0
NxvVyr27gg5wBBrTJIZbI+i3BQ==
-----END CERTIFICATE-----\n`;

export const SERVER_CERT = `-----BEGIN CERTIFICATE-----
MIIBuTCCAV6gAwIBAgIUPfcgJSJV5Y3vkl3IxRFCJksAgvcwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRU2FuZGdsYXNzIFRlc3QgQ0EwIBcNMjYxMTIyMDIyNjIzWhgP
MjEyNjEwMjkwMjI2MjNaMBQxEjAQBgNVBAMMCWxvY2FsaG9zdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABF+nzySu16nDeZaVvJOQT/5h816PLr/zszfDfSTEbQFy
r/zzYrIEq5rOKbNPE5zgX0AM3rreQcr//IRW2iFEeAKjgYMwgYAwKQYDVR0RBCIw
IIIJbG9jYWxob3N0gg10ZW1wb3JhbC50ZXN0hwR/AAABMBMGA1UdJQQMMAoGCCsG
AQUFBwMBMB0GA1UdDgQWBBQ2wTit7n1y58z93yuy1B37R7Pp9TAfBgNVHSMEGDAW
gBTOV4Nm0LSNQKigKLkpjCIGfVBjnTAKBggqhkjOPQQDAgNJADBGAiEAjiIbfli6
SrLSX7tC7s5ywPtEIIH2yMZONhJ/7Xbpp9kCIQDD0YZcRcfyxsalRwB5F/kokDnh
9TWWxhZ5x5FYfXVPxQ==
-----END CERTIFICATE-----\n`;

export const SERVER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgj2DjSKg0fqjEYuzr
BYynwXGPtP56hG016vdY+SLntcmhRANCAARfp88krtepw3mWlbyTkE/+YfNejy6/
87M3w30kxG0Bcq/882KyBKuazimzTxOc4F9ADN663kHK//yEVtohRHgC
-----END PRIVATE KEY-----\n`;

export const CLIENT_CERT = `-----BEGIN CERTIFICATE-----
MIIBljCCAT2gAwIBAgIUPfcgJSJV5Y3vkl3IxRFCJksAgvgwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRU2FuZGdsYXNzIFRlc3QgQ0EwIBcNMjYxMTIyMDIyNjI0WhgP
MjEyNjEwMjkwMjI2MjRaMCAxHjAcBgNVBAMMFXNhbmRnbGFzcy10ZXN0LWNsaWVu
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFTG+pS/kYF+jDWw1vPhLgcdf/EJ
HLLVMZ3qFIW39YMLrtDGweIZGPk54jWKERkfNBK1Iz1LbbWCSM73WAmKzoujVzBV
MBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQWBBTAwpeKKuTVbD8EUUoV/4R5
3/XH+TAfBgNVHSMEGDAWgBTOV4Nm0LSNQKigKLkpjCIGfVBjnTAKBggqhkjOPQQD
AgNHADBEAiAfHg4LqB4lQORSOXJlGE0fGyz8fprvvR8mXemoEf/szAIgFRbQdFSc
3gKMbS4wgCNxMFs8wEaF9XC7RYX17c4FEWc=
-----END CERTIFICATE-----\n`;

export const CLIENT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgk4GgCW2pD0HQYV7h
UaDBnDoib+XIerbqWZdHnRIyj0KhRANCAARUxvqUv5GBfow1sNbz4S4HHX/xCRyy
1TGd6hSFt/WDC67QxsHiGRj5OeI1ihEZHzQStSM9S221gkjO91gJis6L
-----END PRIVATE KEY-----\n`;
