/**
 * The workflow sandbox, for the worker: the bundler and the QuickJS isolate host. Internal to
 * Sandglass (not a package subpath); the public workflow API is `sandglass/workflow`.
 * @module
 */

export type { BundleOptions, WorkflowBundle } from "./bundler.ts";
export { bundleWorkflows, stopBundler, WorkflowBundleError } from "./bundler.ts";
export { bundleAndDescribeSync, type DescribedBundle } from "./bundle_sync.ts";
export type { WorkflowsDescription, WorkflowTypes } from "./protocol.ts";
export type { PoisonedEvent, WorkflowHostOptions, WorkflowHostStats } from "./host.ts";
export { createWorkflowHost, WorkflowHost } from "./host.ts";
export type { SandboxLimits } from "./limits.ts";
export { DEFAULT_LIMITS, FaultKind, SandboxFault } from "./limits.ts";
export type { IsolationStrategy } from "./strategy.ts";
export { DeterminismViolationError } from "./determinism_violation_error.ts";
