/**
 * Run Temporal for tests: locate (and, if needed, download or build) the Temporal CLI dev server
 * and the time-skipping test server, then start and stop them.
 *
 * @example Start a dev server
 * ```ts
 * import { startDevServer } from "sandglass/testing";
 *
 * await using server = await startDevServer();
 * console.log(`Temporal is listening on ${server.address}`);
 * ```
 *
 * @module
 */

export { sandglassCacheDir } from "../common/cache_dir.ts";
export type { CacheDirEnv } from "../common/cache_dir.ts";
export { findFreePort } from "./free_port.ts";
export { locateTemporalCli, TEMPORAL_CLI_VERSION } from "./locate_cli.ts";
export type { LocatedSource, LocatedTemporalCli, LocateTemporalCliOptions } from "./locate_cli.ts";
export { locateTestServer, TEST_SERVER_MAIN_CLASS, TEST_SERVER_VERSION } from "./locate_test_server.ts";
export type { LocatedTestServer, LocateTestServerOptions } from "./locate_test_server.ts";
export { DEV_SERVER_DYNAMIC_CONFIG, startDevServer } from "./dev_server.ts";
export type { DevServer, DevServerOptions, DevServerSearchAttributeType } from "./dev_server.ts";
export { startTestServer } from "./test_server.ts";
export type { TestServer, TestServerOptions } from "./test_server.ts";
export { WorkflowEnvironment } from "./workflow_environment.ts";
export type { LocalEnvironmentOptions, TimeSkippingEnvironmentOptions } from "./workflow_environment.ts";
export { ActivityEnvironment } from "./activity_environment.ts";
export type { ActivityEnvironmentOptions } from "./activity_environment.ts";
export { defaultActivityInfo } from "./default_activity_info.ts";
