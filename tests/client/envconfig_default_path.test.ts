import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import { defaultConfigFilePath, type DefaultConfigFilePathOptions } from "../../client/envconfig/mod.ts";

// [case, options, expected path]
const cases: Array<[string, DefaultConfigFilePathOptions, string | undefined]> = [
  ["Linux uses $XDG_CONFIG_HOME", {
    platform: "linux",
    env: { XDG_CONFIG_HOME: "/xdg", HOME: "/home/ada" },
  }, "/xdg/temporalio/temporal.toml"],
  [
    "Linux falls back to ~/.config",
    { platform: "linux", env: { HOME: "/home/ada" } },
    "/home/ada/.config/temporalio/temporal.toml",
  ],
  ["Linux ignores an empty $XDG_CONFIG_HOME", {
    platform: "linux",
    env: { XDG_CONFIG_HOME: "", HOME: "/home/ada" },
  }, "/home/ada/.config/temporalio/temporal.toml"],
  ["Linux ignores a relative $XDG_CONFIG_HOME", {
    platform: "linux",
    env: { XDG_CONFIG_HOME: "rel/dir", HOME: "/home/ada" },
  }, "/home/ada/.config/temporalio/temporal.toml"],
  ["Linux uses the home directory when $HOME is unset", {
    platform: "linux",
    env: {},
    homeDir: "/var/lib/svc",
  }, "/var/lib/svc/.config/temporalio/temporal.toml"],
  ["Linux without any home directory has no default", { platform: "linux", env: {}, homeDir: "" }, undefined],
  [
    "FreeBSD follows the XDG rules",
    { platform: "freebsd", env: { HOME: "/usr/home/bo" } },
    "/usr/home/bo/.config/temporalio/temporal.toml",
  ],
  ["macOS uses ~/Library/Application Support", {
    platform: "darwin",
    env: { HOME: "/Users/ada", XDG_CONFIG_HOME: "/ignored" },
  }, "/Users/ada/Library/Application Support/temporalio/temporal.toml"],
  [
    "macOS without any home directory has no default",
    { platform: "darwin", env: {}, homeDir: "" },
    undefined,
  ],
  ["Windows uses %APPDATA%", {
    platform: "win32",
    env: { APPDATA: "C:\\Users\\Ada\\AppData\\Roaming", HOME: "/ignored" },
  }, "C:\\Users\\Ada\\AppData\\Roaming\\temporalio\\temporal.toml"],
  [
    "Windows without %APPDATA% has no default",
    { platform: "win32", env: { HOME: "C:\\Users\\Ada" } },
    undefined,
  ],
];

for (const [name, options, expected] of cases) {
  test(`default config file path: ${name}`, () => {
    assert.equal(defaultConfigFilePath(options), expected);
  });
}

test("default config file path: by default uses this process's platform and environment", () => {
  const path = defaultConfigFilePath();
  if (path !== undefined) assert.match(path, /[\\/]temporalio[\\/]temporal\.toml$/);
  assert.equal(
    defaultConfigFilePath(),
    defaultConfigFilePath({ platform: process.platform, env: process.env }),
  );
});
