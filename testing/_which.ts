import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import process from "node:process";

/** Whether `path` is a regular file this process may execute. */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, process.platform === "win32" ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` on the `PATH` in `env`, or `undefined`. */
export async function which(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const path = env["PATH"] ?? env["Path"] ?? "";
  const extensions = process.platform === "win32"
    ? (env["PATHEXT"] ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean)
    : [""];
  for (const folder of path.split(delimiter)) {
    if (!folder) continue;
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}
