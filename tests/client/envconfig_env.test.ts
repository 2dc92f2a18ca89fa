import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyEnvToProfile,
  ClientConfigError,
  type ClientConfigProfile,
} from "../../client/envconfig/mod.ts";

function configError(code: string, ...fragments: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClientConfigError, `expected ClientConfigError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `'${err.message}' should mention '${f}'`);
    return true;
  };
}

const FILE: ClientConfigProfile = {
  address: "file:7233",
  namespace: "file-ns",
  apiKey: "file-key",
  grpcMeta: { "x-file": "f" },
};

// [name, env, expected profile]
const overrides: Array<[string, Record<string, string>, ClientConfigProfile]> = [
  ["no variables leave the profile as it is", {}, FILE],
  ["TEMPORAL_ADDRESS overrides the address only", { TEMPORAL_ADDRESS: "env:1" }, {
    ...FILE,
    address: "env:1",
  }],
  ["TEMPORAL_NAMESPACE overrides the namespace only", { TEMPORAL_NAMESPACE: "env-ns" }, {
    ...FILE,
    namespace: "env-ns",
  }],
  ["TEMPORAL_API_KEY overrides the API key only", { TEMPORAL_API_KEY: "env-key" }, {
    ...FILE,
    apiKey: "env-key",
  }],
  ["a set but empty variable still overrides", { TEMPORAL_NAMESPACE: "" }, { ...FILE, namespace: "" }],
  ["unrelated variables are ignored", { TEMPORAL_ADDRESSES: "x", HOME: "/h", temporal_address: "y" }, FILE],
];
for (const [name, env, expected] of overrides) {
  test(`env over file: ${name}`, () => {
    assert.deepEqual(applyEnvToProfile(FILE, env), expected);
  });
}

test("applyEnvToProfile does not change the profile passed in", () => {
  const profile: ClientConfigProfile = { address: "a:1", tls: { serverName: "s" }, grpcMeta: { k: "v" } };
  const copy = structuredClone(profile);
  applyEnvToProfile(profile, {
    TEMPORAL_ADDRESS: "b:2",
    TEMPORAL_TLS_SERVER_NAME: "t",
    TEMPORAL_GRPC_META_K: "",
    TEMPORAL_GRPC_META_J: "w",
  });
  assert.deepEqual(profile, copy);
});

const tlsBooleans: Array<[string, boolean]> = [
  ["true", false],
  ["TRUE", false],
  ["1", false],
  ["false", true],
  ["False", true],
  ["0", true],
];
for (const [value, disabled] of tlsBooleans) {
  test(`TEMPORAL_TLS=${value} sets tls.disabled to ${disabled}`, () => {
    assert.deepEqual(applyEnvToProfile({}, { TEMPORAL_TLS: value }), { tls: { disabled } });
    assert.deepEqual(applyEnvToProfile({ tls: { disabled: !disabled } }, { TEMPORAL_TLS: value }).tls, {
      disabled,
    });
  });
}

for (const name of ["TEMPORAL_TLS", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"]) {
  test(`${name} that is not a boolean is an error quoting the value`, () => {
    assert.throws(
      () => applyEnvToProfile({}, { [name]: "yes" }),
      configError("INVALID_CONFIG", name, "'yes'"),
    );
  });
}

const tlsVars: Array<[string, string, ClientConfigProfile["tls"]]> = [
  ["TEMPORAL_TLS_CLIENT_CERT_PATH", "/c.pem", { clientCert: { path: "/c.pem" } }],
  ["TEMPORAL_TLS_CLIENT_CERT_DATA", "CERT", { clientCert: { data: "CERT" } }],
  ["TEMPORAL_TLS_CLIENT_KEY_PATH", "/k.pem", { clientPrivateKey: { path: "/k.pem" } }],
  ["TEMPORAL_TLS_CLIENT_KEY_DATA", "KEY", { clientPrivateKey: { data: "KEY" } }],
  ["TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/ca.pem", { serverRootCACert: { path: "/ca.pem" } }],
  ["TEMPORAL_TLS_SERVER_CA_CERT_DATA", "CA", { serverRootCACert: { data: "CA" } }],
  ["TEMPORAL_TLS_SERVER_NAME", "sni.example", { serverName: "sni.example" }],
  ["TEMPORAL_TLS_SERVER_NAME", "", { serverName: "" }],
  ["TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true", { disableHostVerification: true }],
  ["TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "false", {}],
];
for (const [name, value, tls] of tlsVars) {
  test(`${name}=${JSON.stringify(value)} creates a TLS section with that setting`, () => {
    assert.deepEqual(applyEnvToProfile({ address: "a:1" }, { [name]: value }), { address: "a:1", tls });
  });
}

test("TLS variables override the file's TLS fields one by one and keep the others", () => {
  const profile: ClientConfigProfile = {
    tls: {
      serverName: "file-sni",
      clientCert: { path: "/file/c.pem" },
      clientPrivateKey: { path: "/file/k.pem" },
      disableHostVerification: true,
    },
  };
  assert.deepEqual(
    applyEnvToProfile(profile, {
      TEMPORAL_TLS_CLIENT_CERT_PATH: "/env/c.pem",
      TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: "0",
    }).tls,
    { serverName: "file-sni", clientCert: { path: "/env/c.pem" }, clientPrivateKey: { path: "/file/k.pem" } },
  );
});

const items: Array<[string, string, keyof NonNullable<ClientConfigProfile["tls"]>]> = [
  ["CLIENT_CERT", "client certificate", "clientCert"],
  ["CLIENT_KEY", "client key", "clientPrivateKey"],
  ["SERVER_CA_CERT", "server CA certificate", "serverRootCACert"],
];
for (const [item, label, field] of items) {
  const pathVar = `TEMPORAL_TLS_${item}_PATH`;
  const dataVar = `TEMPORAL_TLS_${item}_DATA`;
  test(`${pathVar} and ${dataVar} together are an error naming both`, () => {
    assert.throws(
      () => applyEnvToProfile({}, { [pathVar]: "/p", [dataVar]: "d" }),
      configError("INVALID_CONFIG", pathVar, dataVar),
    );
  });
  test(`${pathVar} where the file gives the ${label} as data is an error`, () => {
    assert.throws(
      () => applyEnvToProfile({ tls: { [field]: { data: "d" } } }, { [pathVar]: "/p" }),
      configError("INVALID_CONFIG", pathVar, `${label} as data`),
    );
  });
  test(`${dataVar} where the file gives the ${label} as a path is an error`, () => {
    assert.throws(
      () => applyEnvToProfile({ tls: { [field]: { path: "/p" } } }, { [dataVar]: "d" }),
      configError("INVALID_CONFIG", dataVar, `${label} as a path`),
    );
  });
  test(`${pathVar} replaces a path from the file, ${dataVar} replaces data`, () => {
    assert.deepEqual(
      applyEnvToProfile({ tls: { [field]: { path: "/old" } } }, { [pathVar]: "/new" }).tls,
      { [field]: { path: "/new" } },
    );
    assert.deepEqual(
      applyEnvToProfile({ tls: { [field]: { data: "old" } } }, { [dataVar]: "new" }).tls,
      { [field]: { data: "new" } },
    );
  });
}

test("TEMPORAL_GRPC_META_<NAME> adds, overrides and (when empty) removes headers, normalising the name", () => {
  const profile: ClientConfigProfile = { grpcMeta: { "some-key": "file", "keep-me": "k", "drop-me": "d" } };
  const out = applyEnvToProfile(profile, {
    TEMPORAL_GRPC_META_SOME_KEY: "env",
    TEMPORAL_GRPC_META_DROP_ME: "",
    TEMPORAL_GRPC_META_NEW_HEADER_NAME: "n",
    TEMPORAL_GRPC_META_: "ignored: no name",
  });
  assert.deepEqual(out.grpcMeta, { "some-key": "env", "keep-me": "k", "new-header-name": "n" });
});

test("removing the last gRPC header leaves no metadata", () => {
  assert.deepEqual(applyEnvToProfile({ grpcMeta: { a: "1" } }, { TEMPORAL_GRPC_META_A: "" }), {});
});

test("TEMPORAL_CODEC_ENDPOINT and TEMPORAL_CODEC_AUTH set the codec field by field", () => {
  assert.deepEqual(applyEnvToProfile({}, { TEMPORAL_CODEC_ENDPOINT: "http://c" }), {
    codec: { endpoint: "http://c" },
  });
  assert.deepEqual(
    applyEnvToProfile({ codec: { endpoint: "http://file", auth: "file" } }, { TEMPORAL_CODEC_AUTH: "env" }),
    { codec: { endpoint: "http://file", auth: "env" } },
  );
});
