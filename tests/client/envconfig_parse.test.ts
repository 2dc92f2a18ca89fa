import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import {
  type ClientConfig,
  ClientConfigError,
  clientConfigToToml,
  parseClientConfig,
} from "../../client/envconfig/mod.ts";

// The first example of the seed (Python SDK docs, "Connect to development Temporal Service").
const SEED_CONFIG = `
# Default profile for local development
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
client_cert_path = "/etc/temporal/certs/client.pem"
client_key_path  = "/etc/temporal/certs/client.key"

# Custom headers for production
[profile.prod.grpc_meta]
environment     = "production"
service-version = "v1.2.3"
`;

function configError(code: string, ...fragments: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClientConfigError, `expected ClientConfigError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `'${err.message}' should mention '${f}'`);
    return true;
  };
}

test("parses the seed's two-profile file into profiles with TLS paths and gRPC metadata", () => {
  assert.deepEqual(
    parseClientConfig(SEED_CONFIG),
    {
      profiles: {
        default: {
          address: "localhost:7233",
          namespace: "default",
          grpcMeta: { "my-custom-header": "development-value", "trace-id": "dev-trace-123" },
        },
        prod: {
          address: "your-namespace.a1b2c.tmprl.cloud:7233",
          namespace: "your-namespace",
          apiKey: "your-api-key-here",
          tls: {
            clientCert: { path: "/etc/temporal/certs/client.pem" },
            clientPrivateKey: { path: "/etc/temporal/certs/client.key" },
          },
          grpcMeta: { environment: "production", "service-version": "v1.2.3" },
        },
      },
    } satisfies ClientConfig,
  );
});

test("parses every TLS and codec field", () => {
  const config = parseClientConfig(`
[profile.full]
address = "h:1"
[profile.full.tls]
disabled = false
server_name = "sni.example"
server_ca_cert_data = "CA PEM"
client_cert_data = "CERT PEM"
client_key_path = "/k.pem"
disable_host_verification = true
[profile.full.codec]
endpoint = "http://localhost:8080"
auth = "Bearer t"
`);
  assert.deepEqual(config.profiles["full"], {
    address: "h:1",
    tls: {
      disabled: false,
      serverName: "sni.example",
      serverRootCACert: { data: "CA PEM" },
      clientCert: { data: "CERT PEM" },
      clientPrivateKey: { path: "/k.pem" },
      disableHostVerification: true,
    },
    codec: { endpoint: "http://localhost:8080", auth: "Bearer t" },
  });
});

test("an empty or blank document has no profiles", () => {
  for (const doc of ["", "  \n\t\n", new Uint8Array(), "# only a comment\n"]) {
    assert.deepEqual(parseClientConfig(doc), { profiles: {} });
  }
});

test("accepts UTF-8 bytes and rejects bytes that are not UTF-8", () => {
  const bytes = new TextEncoder().encode('[profile.default]\nnamespace = "café"\n');
  assert.equal(parseClientConfig(bytes).profiles["default"]?.namespace, "café");
  assert.throws(
    () => parseClientConfig(new Uint8Array([0x5b, 0xff, 0xfe])),
    configError("INVALID_TOML", "UTF-8"),
  );
});

test("gRPC metadata keys are lower-cased with underscores turned into hyphens", () => {
  const config = parseClientConfig('[profile.a.grpc_meta]\nMy_Custom_Header = "v"\nX-Trace = "t"\n');
  assert.deepEqual(config.profiles["a"]?.grpcMeta, { "my-custom-header": "v", "x-trace": "t" });
});

test("empty *_data strings count as unset", () => {
  const config = parseClientConfig('[profile.a.tls]\nclient_cert_data = ""\nserver_ca_cert_data = ""\n');
  assert.deepEqual(config.profiles["a"], { tls: {} });
});

const conflicts = ["client_cert", "client_key", "server_ca_cert"];
for (const item of conflicts) {
  test(`${item}_path and ${item}_data together are an error naming both keys and the profile`, () => {
    const doc = `[profile.edge.tls]\n${item}_path = "/p.pem"\n${item}_data = "PEM"\n`;
    for (const strict of [false, true]) {
      assert.throws(
        () => parseClientConfig(doc, { strict }),
        configError("INVALID_CONFIG", `${item}_path`, `${item}_data`, "'edge'"),
      );
    }
  });
}

test("malformed TOML gives line and column in the message and on the error", () => {
  const doc = '[profile.default]\naddress = "localhost:7233"\nnamespace = = "x"\n';
  assert.throws(
    () => parseClientConfig(doc, { origin: "config file '/tmp/t.toml'" }),
    (err: unknown) => {
      assert.ok(err instanceof ClientConfigError);
      assert.equal(err.code, "INVALID_TOML");
      assert.equal(err.line, 3);
      assert.equal(typeof err.column, "number");
      assert.match(err.message, /^Cannot parse TOML in config file '\/tmp\/t\.toml' at line 3, column \d+: /);
      return true;
    },
  );
  assert.throws(
    () => parseClientConfig('[profile.a]\naddress = "x"\naddress = "y"\n'),
    configError("INVALID_TOML", "line 3, column 1"),
  );
});

const typeErrors: Array<[string, string, string]> = [
  ["address = 7233", "profile.p.address", "expected a string, got the number 7233"],
  ["namespace = true", "profile.p.namespace", "expected a string"],
  ["api_key = [1]", "profile.p.api_key", "got an array"],
  ['tls = "on"', "profile.p.tls", "expected a table"],
  ["grpc_meta = { a = 1 }", "profile.p.grpc_meta.a", "expected a string"],
  ['tls = { disabled = "yes" }', "profile.p.tls.disabled", "expected true or false"],
  ["tls = { client_cert_path = 1 }", "profile.p.tls.client_cert_path", "expected a string"],
  ["codec = { endpoint = 1979-05-27 }", "profile.p.codec.endpoint", "got a date"],
];
for (const [line, path, expected] of typeErrors) {
  test(`a value of the wrong type is an error in every mode: ${line}`, () => {
    for (const strict of [false, true]) {
      assert.throws(
        () => parseClientConfig(`[profile.p]\n${line}\n`, { strict }),
        configError("INVALID_CONFIG", `'${path}'`, expected),
      );
    }
  });
}

test("'profile' and each profile must be tables", () => {
  assert.throws(
    () => parseClientConfig('profile = "x"\n'),
    configError("INVALID_CONFIG", "'profile'", "table"),
  );
  assert.throws(
    () => parseClientConfig('[profile]\nstaging = "x"\n'),
    configError("INVALID_CONFIG", "'profile.staging'", "table"),
  );
});

const unknownKeys: Array<[string, string, string]> = [
  ['title = "x"\n[profile.a]\naddress = "h:1"\n', "title", "profile"],
  ['[profile.a]\naddress = "h:1"\nhost = "x"\n', "profile.a.host", "address, namespace, api_key"],
  [
    '[profile.a]\naddress = "h:1"\n[profile.a.tls]\nca_path = "x"\n',
    "profile.a.tls.ca_path",
    "server_ca_cert_path",
  ],
  ['[profile.a]\naddress = "h:1"\n[profile.a.codec]\nurl = "x"\n', "profile.a.codec.url", "endpoint, auth"],
];
for (const [doc, key, allowed] of unknownKeys) {
  test(`strict mode rejects the unknown key '${key}'; the default mode ignores it`, () => {
    assert.throws(
      () => parseClientConfig(doc, { strict: true }),
      configError("INVALID_CONFIG", `Unknown key '${key}'`, allowed),
    );
    assert.equal(parseClientConfig(doc).profiles["a"]?.address, "h:1");
  });
}

test("strict mode points misplaced tls_* keys (as in the seed's mTLS example) to the tls table", () => {
  const seedMtls = `
[profile.staging]
address = "your-namespace.a1b2c.tmprl.cloud:7233"
namespace = "your-namespace"
tls_client_cert_data = "your-tls-client-cert-data"
tls_client_key_path = "your-tls-client-key-path"
`;
  assert.throws(
    () => parseClientConfig(seedMtls, { strict: true }),
    configError(
      "INVALID_CONFIG",
      "'profile.staging.tls_client_cert_data'",
      "[profile.staging.tls]",
      "'client_cert_data'",
    ),
  );
  assert.equal(parseClientConfig(seedMtls).profiles["staging"]?.tls, undefined);
});

test("profile names that need quoting survive and are quoted in messages", () => {
  const config = parseClientConfig('[profile."my.app"]\naddress = "h:1"\n');
  assert.equal(config.profiles["my.app"]?.address, "h:1");
  assert.throws(
    () => parseClientConfig('[profile."my.app"]\naddress = 1\n'),
    configError("INVALID_CONFIG", `'profile."my.app".address'`),
  );
});

test("clientConfigToToml round-trips every field", () => {
  const config: ClientConfig = {
    profiles: {
      default: { address: "localhost:7233", namespace: "default", grpcMeta: { "trace-id": "t" } },
      prod: {
        address: "p:7233",
        namespace: "ns",
        apiKey: "key",
        tls: {
          disabled: false,
          serverName: "sni",
          serverRootCACert: { data: "CA" },
          clientCert: { path: "/c.pem" },
          clientPrivateKey: { path: "/k.pem" },
          disableHostVerification: true,
        },
        codec: { endpoint: "http://codec", auth: "Bearer x" },
      },
      "odd name": { address: 'q"uote:1' },
    },
  };
  const toml = clientConfigToToml(config);
  assert.deepEqual(parseClientConfig(toml, { strict: true }), config);
});

test("clientConfigToToml keeps the TLS tri-state: unset, enabled, disabled and an empty section", () => {
  const cases: Array<[ClientConfig["profiles"][string], RegExp | null, boolean]> = [
    [{ address: "a:1" }, null, false],
    [{ tls: {} }, null, true],
    [{ tls: { disabled: false } }, /disabled = false/, true],
    [{ tls: { disabled: true } }, /disabled = true/, true],
  ];
  for (const [profile, disabledLine, hasTlsTable] of cases) {
    const toml = clientConfigToToml({ profiles: { p: profile } });
    assert.equal(/\[profile\.p\.tls\]/.test(toml), hasTlsTable, toml);
    if (disabledLine) assert.match(toml, disabledLine);
    else assert.doesNotMatch(toml, /disabled/);
    assert.deepEqual(parseClientConfig(toml).profiles["p"], profile);
  }
});

test("clientConfigToToml writes byte data as text, normalises metadata keys, and rejects non-UTF-8 bytes", () => {
  const toml = clientConfigToToml({
    profiles: {
      p: { tls: { clientCert: { data: new TextEncoder().encode("PEM") } }, grpcMeta: { My_Key: "v" } },
    },
  });
  assert.deepEqual(parseClientConfig(toml).profiles["p"], {
    tls: { clientCert: { data: "PEM" } },
    grpcMeta: { "my-key": "v" },
  });
  assert.throws(
    () =>
      clientConfigToToml({
        profiles: { p: { tls: { clientPrivateKey: { data: new Uint8Array([0xff]) } } } },
      }),
    configError("INVALID_CONFIG", "client_key_data", "client_key_path"),
  );
});

test("the TOML example in docs/environment-configuration.md is valid in strict mode", async () => {
  const doc = await readFile(new URL("../../docs/environment-configuration.md", import.meta.url), "utf8");
  const block = /```toml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, "the doc has a toml block");
  const config = parseClientConfig(block, { strict: true });
  assert.deepEqual(Object.keys(config.profiles), ["default", "prod"]);
  assert.equal(config.profiles["prod"]?.codec?.endpoint, "https://codec.example.com");
});
