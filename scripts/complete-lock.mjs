// Records the platform-specific optional packages that `npm install` left out of
// package-lock.json, so that a clean `npm ci` accepts the lockfile. npm omits a platform
// package it cannot resolve from the registry it was given (npm/cli#4828); `npm ci` then
// refuses the lockfile as out of sync. The record carries the version and the os/cpu read
// from the package name, so npm skips it on other platforms and fetches it by name and
// version on its own platform. Run after `npm install`: `node scripts/complete-lock.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const OS = {
  darwin: "darwin",
  linux: "linux",
  win32: "win32",
  windows: "win32",
  freebsd: "freebsd",
  android: "android",
  openbsd: "openbsd",
  netbsd: "netbsd",
  sunos: "sunos",
  aix: "aix",
};
const CPU = {
  arm64: "arm64",
  aarch64: "arm64",
  x64: "x64",
  armv7: "arm",
  arm: "arm",
  ia32: "ia32",
  ppc64: "ppc64",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
};

/** Reads `{ os, cpu }` from a platform package name such as `@deno/linux-arm64-glibc`. */
function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.map((p) => OS[p]).find(Boolean);
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os || !cpu) {
    throw new Error(`Cannot tell the platform of optional package '${name}'`);
  }
  return { os: [os], cpu: [cpu] };
}

const lockPath = process.argv[2]
  ? new URL(process.argv[2], `file://${process.cwd()}/`)
  : new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
let added = 0;
for (const entry of Object.values({ ...lock.packages })) {
  for (
    const [name, version] of Object.entries(entry.optionalDependencies ?? {})
  ) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]?.version) continue;
    const { os, cpu } = platformOf(name);
    lock.packages[key] = {
      version,
      cpu,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort((
    [a],
    [b],
  ) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`complete-lock: recorded ${added} platform package(s)`);
