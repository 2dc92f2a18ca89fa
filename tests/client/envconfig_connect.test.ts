import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  ClientConfigError,
  type ClientConfigProfile,
  type ClientConnectConfig,
  loadClientConnectConfig,
  toClientConnectConfig,
} from "../../client/envconfig/mod.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sandglass-envconfig-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function configError(code: string, ...fragments: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClientConfigError, `expected ClientConfigError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `'${err.message}' should mention '${f}'`);
    return true;
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const NO_HOME = { platform: "linux", homeDir: "" } as const;

test("seed example 1: the default profile of config.toml, and the prod profile with mTLS files and an API key", async () => {
  await withTempDir(async (dir) => {
    const cert = join(dir, "client.pem");
    const key = join(dir, "client.key");
    await writeFile(cert, "CLIENT CERT PEM");
    await writeFile(key, "CLIENT KEY PEM");
    const file = join(dir, "config.toml");
    await writeFile(
      file,
      `# Default profile for local development
[profile.default]
address = "localhost:7233"
namespace = "default"

# Optional: Add custom gRPC headers
[profile.default.grpc_meta]
my-custom-header = "development-value"
trace-id = "dev-trace-123"

# Production profile for Temporal Cloud
[profile.prod]
address = "your-namespace.a1b2c.tmprl.cloud:7233"
namespace = "your-namespace"
api_key = "your-api-key-here"

# TLS configuration for production
[profile.prod.tls]
# TLS auto-enables when TLS config or an API key is present
# disabled = false
client_cert_path = ${JSON.stringify(cert)}
client_key_path  = ${JSON.stringify(key)}

# Custom headers for production
[profile.prod.grpc_meta]
environment     = "production"
service-version = "v1.2.3"
`,
    );
    assert.deepEqual(
      await loadClientConnectConfig({ ...NO_HOME, configFile: file, env: {} }),
      {
        address: "localhost:7233",
        namespace: "default",
        rpcMetadata: { "my-custom-header": "development-value", "trace-id": "dev-trace-123" },
      } satisfies ClientConnectConfig,
    );
    assert.deepEqual(
      await loadClientConnectConfig({ ...NO_HOME, configFile: file, profile: "prod", env: {} }),
      {
        address: "your-namespace.a1b2c.tmprl.cloud:7233",
        namespace: "your-namespace",
        apiKey: "your-api-key-here",
        tls: { clientCert: bytes("CLIENT CERT PEM"), clientPrivateKey: bytes("CLIENT KEY PEM") },
        rpcMetadata: { environment: "production", "service-version": "v1.2.3" },
      } satisfies ClientConnectConfig,
    );
  });
});

test("seed example 2: TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE alone, and over the default-location file", async () => {
  const env = { TEMPORAL_NAMESPACE: "default", TEMPORAL_ADDRESS: "localhost:7233" };
  assert.deepEqual(await loadClientConnectConfig({ ...NO_HOME, env }), {
    address: "localhost:7233",
    namespace: "default",
  });
  await withTempDir(async (dir) => {
    await mkdir(join(dir, ".config", "temporalio"), { recursive: true });
    await writeFile(
      join(dir, ".config", "temporalio", "temporal.toml"),
      '[profile.default]\naddress = "file:7233"\nnamespace = "file-ns"\n[profile.default.grpc_meta]\nfrom-file = "yes"\n',
    );
    const config = await loadClientConnectConfig({ platform: "linux", env: { ...env, HOME: dir } });
    assert.deepEqual(config, {
      address: "localhost:7233",
      namespace: "default",
      rpcMetadata: { "from-file": "yes" },
    });
  });
});

test("seed example 3: the staging profile with an API key, its address overridden in code", async () => {
  const staging = `
# Cloud profile for Temporal Cloud
[profile.staging]
address = "localhost:9999"
namespace = "your-namespace"
api_key = "your-api-key-here"
`;
  const loaded = await loadClientConnectConfig({
    ...NO_HOME,
    profile: "staging",
    configSource: { data: staging },
    env: {},
  });
  const options = { ...loaded, address: "localhost:7233" };
  assert.deepEqual(options, {
    address: "localhost:7233",
    namespace: "your-namespace",
    apiKey: "your-api-key-here",
    tls: true,
  });
  assert.equal(loaded.address, "localhost:9999");
});

test("the seed's Temporal Cloud variables: API key, or mTLS with certificate data and a key path", async () => {
  await withTempDir(async (dir) => {
    const key = join(dir, "client.key");
    await writeFile(key, "KEY FROM FILE");
    const cloud = { TEMPORAL_NAMESPACE: "ns.acct", TEMPORAL_ADDRESS: "ns.acct.tmprl.cloud:7233" };
    assert.deepEqual(
      await loadClientConnectConfig({ ...NO_HOME, env: { ...cloud, TEMPORAL_API_KEY: "k" } }),
      {
        ...addressAndNamespace(cloud),
        apiKey: "k",
        tls: true,
      },
    );
    const mtls = { ...cloud, TEMPORAL_TLS_CLIENT_CERT_DATA: "CERT DATA", TEMPORAL_TLS_CLIENT_KEY_PATH: key };
    assert.deepEqual(await loadClientConnectConfig({ ...NO_HOME, env: mtls }), {
      ...addressAndNamespace(cloud),
      tls: { clientCert: bytes("CERT DATA"), clientPrivateKey: bytes("KEY FROM FILE") },
    });
  });
});

function addressAndNamespace(env: { TEMPORAL_NAMESPACE: string; TEMPORAL_ADDRESS: string }) {
  return { address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE };
}

// [case, profile, expected tls]
const tlsRules: Array<[string, ClientConfigProfile, ClientConnectConfig["tls"]]> = [
  ["nothing configured: no TLS option", { address: "a:1" }, undefined],
  ["an API key turns TLS on", { apiKey: "k" }, true],
  ["an empty API key is no API key", { apiKey: "" }, undefined],
  ["an API key with TLS disabled: TLS off", { apiKey: "k", tls: { disabled: true } }, false],
  ["an API key with TLS explicitly enabled", { apiKey: "k", tls: { disabled: false } }, true],
  ["an empty TLS section turns TLS on", { tls: {} }, true],
  ["TLS disabled without an API key", { tls: { disabled: true } }, false],
  ["disabled wins over other TLS settings", { tls: { disabled: true, serverName: "s" } }, false],
  ["a server name gives a TLS object", { tls: { serverName: "sni" } }, { serverName: "sni" }],
  ["an empty server name is left out", { tls: { serverName: "" } }, true],
  ["host verification is not applied", { tls: { disableHostVerification: true } }, true],
  ["inline CA data is encoded as UTF-8", { tls: { serverRootCACert: { data: "CA" } } }, {
    serverRootCACert: bytes("CA"),
  }],
  [
    "byte data passes through",
    { tls: { clientCert: { data: bytes("C") }, clientPrivateKey: { data: "K" } } },
    {
      clientCert: bytes("C"),
      clientPrivateKey: bytes("K"),
    },
  ],
];
for (const [name, profile, tls] of tlsRules) {
  test(`connect TLS: ${name}`, async () => {
    const config = await toClientConnectConfig(profile);
    assert.deepEqual(config.tls, tls);
    assert.equal("tls" in config, tls !== undefined);
  });
}

// The same rules driven from the environment over a file.
const envTls: Array<[string, string, Record<string, string>, ClientConnectConfig["tls"]]> = [
  ["TEMPORAL_TLS=false turns off TLS that an API key in the file would turn on", 'api_key = "k"', {
    TEMPORAL_TLS: "false",
  }, false],
  [
    "TEMPORAL_TLS=true turns on TLS the file disabled",
    "tls = { disabled = true }",
    { TEMPORAL_TLS: "true" },
    true,
  ],
  [
    "TEMPORAL_API_KEY turns on TLS for a file without TLS",
    'address = "a:1"',
    { TEMPORAL_API_KEY: "k" },
    true,
  ],
  ["TEMPORAL_TLS_SERVER_NAME alone turns TLS on", 'address = "a:1"', { TEMPORAL_TLS_SERVER_NAME: "sni" }, {
    serverName: "sni",
  }],
];
for (const [name, line, env, tls] of envTls) {
  test(`connect TLS from the environment: ${name}`, async () => {
    const configSource = { data: `[profile.default]\n${line}\n` };
    assert.deepEqual((await loadClientConnectConfig({ ...NO_HOME, configSource, env })).tls, tls);
  });
}

test("code overrides environment and file, field by field", async () => {
  const configSource = {
    data: '[profile.default]\naddress = "file:1"\nnamespace = "file-ns"\napi_key = "file-key"\n' +
      '[profile.default.grpc_meta]\nfile-header = "f"\n',
  };
  const loaded = await loadClientConnectConfig({
    ...NO_HOME,
    configSource,
    env: { TEMPORAL_NAMESPACE: "env-ns", TEMPORAL_GRPC_META_ENV_HEADER: "e" },
  });
  const options = {
    ...loaded,
    apiKey: "code-key",
    rpcMetadata: { ...loaded.rpcMetadata, "code-header": "c" },
  };
  assert.deepEqual(options, {
    address: "file:1",
    namespace: "env-ns",
    apiKey: "code-key",
    tls: true,
    rpcMetadata: { "file-header": "f", "env-header": "e", "code-header": "c" },
  });
});

test("empty address and namespace are left out so Client.connect's defaults apply", async () => {
  assert.deepEqual(await toClientConnectConfig({ address: "", namespace: "" }), {});
});

test("a client certificate without a key, or a key without a certificate, is an error", async () => {
  await assert.rejects(
    toClientConnectConfig({ tls: { clientCert: { data: "C" } } }),
    configError("INVALID_CONFIG", "certificate is set without a client key"),
  );
  await assert.rejects(
    loadClientConnectConfig({ ...NO_HOME, env: { TEMPORAL_TLS_CLIENT_KEY_DATA: "K" } }),
    configError("INVALID_CONFIG", "key is set without a client certificate"),
  );
});

test("a certificate file that cannot be read is an error naming the file", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "missing-ca.pem");
    await assert.rejects(
      loadClientConnectConfig({ ...NO_HOME, env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing } }),
      configError("READ_FAILED", "TLS server CA certificate", `'${missing}'`),
    );
  });
});

test("certificate files are returned as plain Uint8Array on every runtime", async () => {
  await withTempDir(async (dir) => {
    const ca = join(dir, "ca.pem");
    await writeFile(ca, new Uint8Array([1, 2, 3, 255]));
    const config = await loadClientConnectConfig({
      ...NO_HOME,
      env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca },
    });
    const tls = config.tls as { serverRootCACert: Uint8Array };
    assert.equal(Object.getPrototypeOf(tls.serverRootCACert), Uint8Array.prototype);
    assert.deepEqual(tls.serverRootCACert, new Uint8Array([1, 2, 3, 255]));
  });
});
