import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import {
  ClientConfigError,
  loadClientConfig,
  loadClientConfigProfile,
  type LoadClientConfigProfileOptions,
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

const TWO_PROFILES = `
[profile.default]
address = "file-default:7233"
namespace = "file-default-ns"

[profile.prod]
address = "file-prod:7233"
namespace = "file-prod-ns"
api_key = "file-key"
`;

// An environment with no HOME/XDG/APPDATA: no default file can be located, so nothing on this machine
// leaks into a test unless the test puts it there.
const NO_HOME = { platform: "linux", homeDir: "" } as const;

test("configFile names the file; a profile named in code is loaded from it", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "config.toml");
    await writeFile(file, TWO_PROFILES);
    const profile = await loadClientConfigProfile({ ...NO_HOME, configFile: file, profile: "prod", env: {} });
    assert.deepEqual(profile, { address: "file-prod:7233", namespace: "file-prod-ns", apiKey: "file-key" });
  });
});

test("TEMPORAL_CONFIG_FILE names the file when code does not; configFile wins over it", async () => {
  await withTempDir(async (dir) => {
    const fromEnv = join(dir, "env.toml");
    const fromCode = join(dir, "code.toml");
    await writeFile(fromEnv, '[profile.default]\naddress = "env-file:1"\n');
    await writeFile(fromCode, '[profile.default]\naddress = "code-file:1"\n');
    const env = { TEMPORAL_CONFIG_FILE: fromEnv };
    assert.equal((await loadClientConfigProfile({ ...NO_HOME, env })).address, "env-file:1");
    assert.equal(
      (await loadClientConfigProfile({ ...NO_HOME, env, configFile: fromCode })).address,
      "code-file:1",
    );
  });
});

test("without configFile or TEMPORAL_CONFIG_FILE the file is read from the default location", async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, "xdg", "temporalio"), { recursive: true });
    await writeFile(
      join(dir, "xdg", "temporalio", "temporal.toml"),
      '[profile.default]\naddress = "xdg:1"\n',
    );
    await mkdir(join(dir, "home", ".config", "temporalio"), { recursive: true });
    await writeFile(
      join(dir, "home", ".config", "temporalio", "temporal.toml"),
      '[profile.default]\naddress = "home:1"\n',
    );
    const base = { platform: "linux", env: { HOME: join(dir, "home") } };
    assert.equal((await loadClientConfigProfile(base)).address, "home:1");
    const xdg = { ...base, env: { ...base.env, XDG_CONFIG_HOME: join(dir, "xdg") } };
    assert.equal((await loadClientConfigProfile(xdg)).address, "xdg:1");
    // An empty TEMPORAL_CONFIG_FILE counts as unset.
    const empty = { ...base, env: { ...base.env, TEMPORAL_CONFIG_FILE: "" } };
    assert.equal((await loadClientConfigProfile(empty)).address, "home:1");
  });
});

test("a missing file with the default profile is not an error: the profile is empty", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "nope.toml");
    assert.deepEqual(await loadClientConfigProfile({ ...NO_HOME, configFile: missing, env: {} }), {});
    assert.deepEqual(await loadClientConfig({ ...NO_HOME, configFile: missing, env: {} }), { profiles: {} });
    assert.deepEqual(await loadClientConfigProfile({ ...NO_HOME, env: {} }), {});
  });
});

test("a file without the default profile gives an empty profile when no profile is named", async () => {
  const profile = await loadClientConfigProfile({
    ...NO_HOME,
    configSource: { data: '[profile.other]\naddress = "o:1"\n' },
    env: {},
  });
  assert.deepEqual(profile, {});
});

test("a profile named in code that is not in the file is an error naming it and listing the available ones", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "config.toml");
    await writeFile(file, TWO_PROFILES);
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, configFile: file, profile: "staging", env: {} }),
      configError("PROFILE_NOT_FOUND", "Profile 'staging' not found", file, "'default', 'prod'"),
    );
  });
});

test("a profile named by TEMPORAL_PROFILE must exist too, and the message says where the name came from", async () => {
  const options = { ...NO_HOME, configSource: { data: TWO_PROFILES }, env: { TEMPORAL_PROFILE: "qa" } };
  await assert.rejects(
    loadClientConfigProfile(options),
    configError("PROFILE_NOT_FOUND", "'qa' (from TEMPORAL_PROFILE)", "'default', 'prod'"),
  );
  const found = await loadClientConfigProfile({ ...options, env: { TEMPORAL_PROFILE: "prod" } });
  assert.equal(found.address, "file-prod:7233");
  // A profile named in code wins over TEMPORAL_PROFILE.
  const code = await loadClientConfigProfile({ ...options, profile: "default" });
  assert.equal(code.address, "file-default:7233");
});

test("a named profile with a missing file or an empty file says so", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "missing.toml");
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, configFile: missing, profile: "prod", env: {} }),
      configError("PROFILE_NOT_FOUND", "'prod'", `config file '${missing}' does not exist`),
    );
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, configSource: { data: "" }, profile: "prod", env: {} }),
      configError("PROFILE_NOT_FOUND", "'prod'", "has no profiles"),
    );
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, profile: "prod", env: {} }),
      configError("PROFILE_NOT_FOUND", "'prod'", "no config file could be located"),
    );
  });
});

// Precedence, field by field: environment over file (code over both is in envconfig_connect.test.ts).
const precedence: Array<[string, Record<string, string>, Record<string, string | undefined>]> = [
  ["file only", {}, { address: "file-prod:7233", namespace: "file-prod-ns", apiKey: "file-key" }],
  ["env address", { TEMPORAL_ADDRESS: "env:1" }, {
    address: "env:1",
    namespace: "file-prod-ns",
    apiKey: "file-key",
  }],
  ["env namespace and key", { TEMPORAL_NAMESPACE: "env-ns", TEMPORAL_API_KEY: "env-key" }, {
    address: "file-prod:7233",
    namespace: "env-ns",
    apiKey: "env-key",
  }],
];
for (const [name, env, expected] of precedence) {
  test(`environment overrides the file field by field: ${name}`, async () => {
    const profile = await loadClientConfigProfile({
      ...NO_HOME,
      configSource: { data: TWO_PROFILES },
      profile: "prod",
      env,
    });
    assert.deepEqual(profile, expected);
  });
}

test("disableFile ignores every file but still applies the environment", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "config.toml");
    await writeFile(file, TWO_PROFILES);
    const profile = await loadClientConfigProfile({
      ...NO_HOME,
      disableFile: true,
      configFile: file,
      profile: "not-checked-without-a-file",
      env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_NAMESPACE: "env-ns" },
    });
    assert.deepEqual(profile, { namespace: "env-ns" });
  });
});

test("disableEnv ignores TEMPORAL_* values and TEMPORAL_PROFILE but TEMPORAL_CONFIG_FILE still finds the file", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "config.toml");
    await writeFile(file, TWO_PROFILES);
    const profile = await loadClientConfigProfile({
      ...NO_HOME,
      disableEnv: true,
      env: {
        TEMPORAL_CONFIG_FILE: file,
        TEMPORAL_PROFILE: "prod",
        TEMPORAL_ADDRESS: "env:1",
        TEMPORAL_GRPC_META_X: "y",
        TEMPORAL_TLS: "true",
      },
    });
    assert.deepEqual(profile, { address: "file-default:7233", namespace: "file-default-ns" });
  });
});

test("disabling both file and environment is an error", async () => {
  await assert.rejects(
    loadClientConfigProfile({ disableFile: true, disableEnv: true }),
    configError("INVALID_CONFIG", "Cannot disable both file and environment"),
  );
});

test("configSource takes the file as text, as bytes, or as a path", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "config.toml");
    await writeFile(file, TWO_PROFILES);
    const sources: LoadClientConfigProfileOptions["configSource"][] = [
      { data: TWO_PROFILES },
      { data: new TextEncoder().encode(TWO_PROFILES) },
      { path: file },
    ];
    for (const configSource of sources) {
      const profile = await loadClientConfigProfile({ ...NO_HOME, configSource, profile: "prod", env: {} });
      assert.equal(profile.apiKey, "file-key");
    }
  });
});

test("configFile and configSource together are an error", async () => {
  await assert.rejects(
    loadClientConfigProfile({ configFile: "/a.toml", configSource: { data: "" }, env: {} }),
    configError("INVALID_CONFIG", "configFile '/a.toml'", "configSource"),
  );
});

test("strict mode is applied to the loaded file; unknown keys are ignored without it", async () => {
  const configSource = { data: '[profile.default]\naddress = "a:1"\nhostport = "x"\n' };
  await assert.rejects(
    loadClientConfigProfile({ ...NO_HOME, configSource, strict: true, env: {} }),
    configError("INVALID_CONFIG", "profile.default.hostport"),
  );
  await assert.rejects(
    loadClientConfig({ ...NO_HOME, configSource, strict: true, env: {} }),
    configError("INVALID_CONFIG", "profile.default.hostport"),
  );
  assert.equal((await loadClientConfigProfile({ ...NO_HOME, configSource, env: {} })).address, "a:1");
});

test("malformed TOML in a file names the file, line and column", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "broken.toml");
    await writeFile(file, '[profile.default]\naddress = "a:1"\n[profile.default\n');
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, configFile: file, env: {} }),
      configError("INVALID_TOML", `config file '${file}'`, "line 3, column"),
    );
  });
});

test("a config path that exists but cannot be read as a file is an error, not an empty config", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      loadClientConfigProfile({ ...NO_HOME, configFile: dir, env: {} }),
      configError("READ_FAILED", `'${dir}'`),
    );
  });
});

test("loadClientConfig returns every profile and applies no environment values", async () => {
  const config = await loadClientConfig({
    ...NO_HOME,
    configSource: { data: TWO_PROFILES },
    env: { TEMPORAL_ADDRESS: "env:1", TEMPORAL_PROFILE: "prod" },
  });
  assert.deepEqual(Object.keys(config.profiles).sort(), ["default", "prod"]);
  assert.equal(config.profiles["default"]?.address, "file-default:7233");
  assert.deepEqual(await loadClientConfig({ disableFile: true }), { profiles: {} });
});

test("without an env option the loaders read process.env", async () => {
  const probe = "TEMPORAL_GRPC_META_SANDGLASS_ENVCONFIG_PROBE";
  process.env[probe] = "probe-value";
  try {
    const profile = await loadClientConfigProfile({ disableFile: true });
    assert.equal(profile.grpcMeta?.["sandglass-envconfig-probe"], "probe-value");
  } finally {
    delete process.env[probe];
  }
});
