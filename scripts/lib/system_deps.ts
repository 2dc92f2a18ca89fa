import { spawnSync } from "node:child_process";

/** A command the tests need from the operating system, and the Debian package that provides it. */
export interface SystemTool {
  command: string;
  debianPackage: string;
  why: string;
}

/** What the test suite needs beyond npm: nginx for the TLS proxy tests, openssl for their certificates. */
export const TEST_SYSTEM_TOOLS: readonly SystemTool[] = [
  {
    command: "nginx",
    debianPackage: "nginx-light",
    why: "the TLS proxy tests put nginx in front of the dev server",
  },
  { command: "openssl", debianPackage: "openssl", why: "the TLS tests make their certificates with openssl" },
];

function has(command: string): boolean {
  const probe = spawnSync("sh", ["-c", `command -v ${command} || test -x /usr/sbin/${command}`], {
    stdio: "ignore",
  });
  return probe.status === 0;
}

/**
 * Installs the missing tools with apt-get when that is possible (root on Debian or Ubuntu), so `npm test`
 * works on a fresh machine; otherwise throws an error naming each package to install.
 */
export function ensureSystemTools(tools: readonly SystemTool[], log: (line: string) => void): void {
  const missing = tools.filter((t) => !has(t.command));
  if (missing.length === 0) return;
  const packages = missing.map((t) => t.debianPackage);
  const canApt = process.getuid?.() === 0 && has("apt-get");
  if (canApt) {
    log(`installing ${packages.join(", ")} with apt-get (${missing.map((t) => t.why).join("; ")})`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
    if (install.status === 0 && missing.every((t) => has(t.command))) return;
  }
  throw new Error(
    `Missing ${missing.map((t) => t.command).join(", ")}: ${missing.map((t) => t.why).join("; ")}. ` +
      `Install ${packages.join(" ")} (e.g. 'sudo apt-get install -y ${packages.join(" ")}').`,
  );
}
