import { chmod, mkdir, mkdtemp, open, rename, rm, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize } from "node:path";
import process from "node:process";
import { describeError } from "./_locate_attempts.ts";
import { runCommand, tail } from "./_run_command.ts";

/** Where the official SDKs download the Temporal servers from. */
export const DEFAULT_DOWNLOAD_BASE_URL = "https://temporal.download";

/** Options for {@linkcode downloadExecutable}. */
export interface DownloadExecutableOptions {
  /** Artifact name on temporal.download: `cli` or `temporal-test-server`. */
  artifact: string;
  /** Release name as temporal.download spells it, e.g. `v1.5.1`. */
  version: string;
  /** Absolute path the executable is written to (atomically, by rename). */
  destination: string;
  /** Base of the download service (default {@linkcode DEFAULT_DOWNLOAD_BASE_URL}). */
  baseUrl: string;
  /** How long each request may take to answer (its headers); the fail-fast bound offline. */
  timeoutMs: number;
  /** How long the archive body may take to arrive once the server has answered. */
  bodyTimeoutMs?: number;
  /** Preferred archive format; the service picks one when absent. */
  format?: "tar.gz" | "zip";
}

/** The JSON the download service answers with. */
interface DownloadInfo {
  archiveUrl: string;
  fileToExtract: string;
}

/**
 * Downloads a server the way the official SDKs do: asks
 * `<base>/<artifact>/<version>?platform=<os>&arch=<arch>` which archive to fetch and which file
 * inside it is the executable, downloads the archive, extracts that file with the system `tar`
 * (which reads `.zip` too on Windows and macOS), and moves it to `destination`.
 */
export async function downloadExecutable(options: DownloadExecutableOptions): Promise<void> {
  const infoUrl = new URL(
    `${encodeURIComponent(options.artifact)}/${encodeURIComponent(options.version)}`,
    options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`,
  );
  infoUrl.searchParams.set("arch", downloadArch());
  infoUrl.searchParams.set("platform", downloadPlatform());
  if (options.format) infoUrl.searchParams.set("format", options.format);

  const info = parseInfo(await fetchText(infoUrl, options.timeoutMs), infoUrl);
  const folder = dirname(options.destination);
  await mkdir(folder, { recursive: true });
  const scratch = await mkdtemp(join(folder, ".download-"));
  try {
    const archiveUrl = new URL(info.archiveUrl, infoUrl);
    const archiveName = archiveUrl.pathname.endsWith(".zip") ? "archive.zip" : "archive.tar.gz";
    const archivePath = join(scratch, archiveName);
    await fetchToFile(archiveUrl, archivePath, options.timeoutMs, options.bodyTimeoutMs ?? 600_000);
    const extracted = await extract(archivePath, info.fileToExtract, scratch);
    await chmod(extracted, 0o755);
    await rename(extracted, options.destination);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function downloadPlatform(): string {
  switch (process.platform) {
    case "win32":
      return "windows";
    case "darwin":
      return "darwin";
    default:
      return "linux";
  }
}

function downloadArch(): string {
  switch (process.arch) {
    case "x64":
      return "amd64";
    case "arm64":
      return "arm64";
    default:
      throw new Error(`Unsupported CPU architecture '${process.arch}': no Temporal download exists for it`);
  }
}

function parseInfo(text: string, url: URL): DownloadInfo {
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch {
    throw new Error(`Unexpected answer from '${url}': expected JSON, got '${text.slice(0, 80)}'`);
  }
  const { archiveUrl, fileToExtract } = (info ?? {}) as Partial<Record<string, unknown>>;
  if (typeof archiveUrl !== "string" || typeof fileToExtract !== "string") {
    throw new Error(`Unexpected answer from '${url}': expected archiveUrl and fileToExtract`);
  }
  const normalized = normalize(fileToExtract);
  if (isAbsolute(normalized) || normalized.startsWith("..")) {
    throw new Error(`Refusing to extract '${fileToExtract}' from '${archiveUrl}': path leaves the archive`);
  }
  return { archiveUrl, fileToExtract };
}

/** Starts a request whose headers must arrive within `timeoutMs`; returns the ok response. */
async function fetchOk(url: URL, timeoutMs: number, controller: AbortController): Promise<Response> {
  const timer = setTimeout(
    () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal, redirect: "follow" });
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    throw new Error(`Request to '${url}' failed: ${describeError(reason)}`, { cause: reason });
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Request to '${url}' failed: HTTP ${response.status} ${response.statusText}`);
  }
  return response;
}

async function fetchText(url: URL, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetchOk(url, timeoutMs, controller);
  const timer = setTimeout(() => controller.abort(new Error("body too slow")), timeoutMs);
  try {
    return await response.text();
  } finally {
    clearTimeout(timer);
  }
}

async function fetchToFile(url: URL, path: string, timeoutMs: number, bodyTimeoutMs: number): Promise<void> {
  const controller = new AbortController();
  const response = await fetchOk(url, timeoutMs, controller);
  const timer = setTimeout(
    () => controller.abort(new Error(`download not complete within ${bodyTimeoutMs} ms`)),
    bodyTimeoutMs,
  );
  const file = await open(path, "w");
  try {
    const body = response.body;
    if (!body) throw new Error(`Request to '${url}' returned no body`);
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await file.write(value);
    }
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    throw new Error(`Download of '${url}' failed: ${describeError(reason)}`, { cause: reason });
  } finally {
    clearTimeout(timer);
    await file.close();
  }
}

async function extract(archivePath: string, fileToExtract: string, into: string): Promise<string> {
  let result;
  try {
    result = await runCommand("tar", ["-xf", archivePath, "-C", into, fileToExtract], {
      timeoutMs: 300_000,
    });
  } catch (error) {
    throw new Error(`Cannot run 'tar' to extract '${archivePath}': ${describeError(error)}`, {
      cause: error,
    });
  }
  if (result.code !== 0) {
    throw new Error(`Extracting '${fileToExtract}' with tar failed:\n${tail(result.stderr)}`);
  }
  const extracted = join(into, fileToExtract);
  await stat(extracted);
  return extracted;
}
