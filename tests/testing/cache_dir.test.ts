import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { sandglassCacheDir } from "../../testing/mod.ts";

test("sandglassCacheDir prefers SANDGLASS_CACHE_DIR on every platform", () => {
  for (const platform of ["linux", "darwin", "win32"]) {
    assert.equal(sandglassCacheDir({ SANDGLASS_CACHE_DIR: "/custom", HOME: "/home/u" }, platform), "/custom");
  }
});

test("sandglassCacheDir follows XDG_CACHE_HOME on Linux, else ~/.cache", () => {
  assert.equal(
    sandglassCacheDir({ HOME: "/home/u", XDG_CACHE_HOME: "/xdg" }, "linux"),
    join("/xdg", "sandglass"),
  );
  assert.equal(sandglassCacheDir({ HOME: "/home/u" }, "linux"), join("/home/u", ".cache", "sandglass"));
});

test("sandglassCacheDir uses ~/Library/Caches on macOS and %LOCALAPPDATA% on Windows", () => {
  assert.equal(
    sandglassCacheDir({ HOME: "/Users/u", XDG_CACHE_HOME: "/xdg" }, "darwin"),
    join("/Users/u", "Library", "Caches", "sandglass"),
  );
  assert.equal(
    sandglassCacheDir({ USERPROFILE: "C:/Users/u", LOCALAPPDATA: "C:/Users/u/AppData/Local" }, "win32"),
    join("C:/Users/u/AppData/Local", "sandglass", "cache"),
  );
});
