/**
 * Test certificates made at run time with the `openssl` command: a CA, a server certificate and a
 * client certificate signed by it, and an unrelated CA (for "wrong CA" tests). Nothing is checked
 * in; the keys live in a temporary folder for the length of a test file.
 *
 * @example
 * ```ts
 * import { makeTestCertificates } from "../support/certs.ts";
 *
 * const certs = await makeTestCertificates(dir, { serverNames: ["temporal.test"] });
 * // certs.ca.cert, certs.server.certPath, certs.client.key, certs.otherCa.cert, ...
 * ```
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A certificate and its private key, as PEM text and as files. */
export interface CertificateFiles {
  /** PEM of the certificate. */
  cert: string;
  /** PEM of the private key (PKCS#8). */
  key: string;
  /** File holding `cert`. */
  certPath: string;
  /** File holding `key`. */
  keyPath: string;
}

/** What {@linkcode makeTestCertificates} made. */
export interface TestCertificates {
  /** The CA that signed `server` and `client`. */
  ca: CertificateFiles;
  /** Server certificate (`serverAuth`) for the names and IPs given. */
  server: CertificateFiles;
  /** Client certificate (`clientAuth`) for mutual TLS. */
  client: CertificateFiles;
  /** A CA that signed nothing here: trusting it alone must make verification fail. */
  otherCa: CertificateFiles;
}

/** Options of {@linkcode makeTestCertificates}. */
export interface TestCertificatesOptions {
  /** DNS names of the server certificate. Default: `["localhost"]`. */
  serverNames?: readonly string[];
  /** IP addresses of the server certificate. Default: `["127.0.0.1"]`. */
  serverIps?: readonly string[];
}

/**
 * Makes a CA, a server and a client certificate signed by it, and a second unrelated CA, all with
 * P-256 keys valid for a day, in `dir` (which must exist).
 *
 * @throws {Error} If `openssl` is not installed or fails (the message quotes its output).
 */
export async function makeTestCertificates(
  dir: string,
  options: TestCertificatesOptions = {},
): Promise<TestCertificates> {
  const names = options.serverNames ?? ["localhost"];
  const ips = options.serverIps ?? ["127.0.0.1"];
  const san = [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(",");

  const ca = await selfSigned(dir, "ca", "Sandglass Test CA");
  const otherCa = await selfSigned(dir, "other-ca", "Sandglass Unrelated CA");
  const server = await signed(dir, "server", names[0] ?? "server", ca, [
    `subjectAltName=${san}`,
    "extendedKeyUsage=serverAuth",
  ]);
  const client = await signed(dir, "client", "sandglass-test-client", ca, ["extendedKeyUsage=clientAuth"]);
  return { ca, server, client, otherCa };
}

async function selfSigned(dir: string, name: string, commonName: string): Promise<CertificateFiles> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  // -addext keeps the CA usable for verification under OpenSSL 3's stricter defaults.
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "1",
    "-subj",
    `/CN=${commonName}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return await files(certPath, keyPath);
}

async function signed(
  dir: string,
  name: string,
  commonName: string,
  ca: CertificateFiles,
  extensions: readonly string[],
): Promise<CertificateFiles> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  await writeFile(extPath, extensions.join("\n") + "\n");
  await openssl([
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    csrPath,
    "-subj",
    `/CN=${commonName}`,
  ]);
  await openssl([
    "x509",
    "-req",
    "-in",
    csrPath,
    "-CA",
    ca.certPath,
    "-CAkey",
    ca.keyPath,
    "-CAcreateserial",
    "-out",
    certPath,
    "-days",
    "1",
    "-extfile",
    extPath,
  ]);
  return await files(certPath, keyPath);
}

async function files(certPath: string, keyPath: string): Promise<CertificateFiles> {
  return {
    cert: await readFile(certPath, "utf8"),
    key: await readFile(keyPath, "utf8"),
    certPath,
    keyPath,
  };
}

function openssl(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      const missing = (error as { code?: unknown }).code === "ENOENT";
      reject(
        new Error(
          missing
            ? "Cannot make test certificates: the 'openssl' command is not installed (apt-get install openssl)"
            : `Cannot make test certificates: 'openssl ${args.slice(0, 2).join(" ")}' failed: ${
              String(stderr).trim() || error.message
            }`,
          { cause: error },
        ),
      );
    });
  });
}
