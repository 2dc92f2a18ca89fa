/**
 * Listing workflows: a lazy async iterator over pages of a visibility query.
 *
 * @module
 */

import { type ClientContext, rpcOptionsOf } from "./_context.ts";
import type { RpcOptions } from "./types.ts";
import type { WorkflowExecutionDescription } from "./workflow_execution.ts";

/** Options of `client.listWorkflows`. */
export interface ListWorkflowsOptions extends RpcOptions {
  /** Stop after this many workflows. Default: all. */
  limit?: number;
  /** Workflows per page (per RPC). Default: 1000. */
  pageSize?: number;
  /** Start from this page token (from an earlier {@linkcode WorkflowExecutionIterator.nextPageToken}). Default: the first page. */
  nextPageToken?: Uint8Array;
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new TypeError(`Invalid ${name} '${String(value)}': expected a positive whole number`);
  }
}

/**
 * The workflows matching a query, fetched page by page as iteration proceeds. Nothing is fetched
 * before the first iteration.
 *
 * @example
 * ```ts
 * const running = client.listWorkflows("ExecutionStatus = 'Running'", { pageSize: 100 });
 * for await (const wf of running) console.log(wf.workflowId, wf.startTime);
 * ```
 */
export class WorkflowExecutionIterator implements AsyncIterable<WorkflowExecutionDescription> {
  readonly #ctx: ClientContext;
  readonly #query: string | undefined;
  readonly #options: ListWorkflowsOptions;
  #nextPageToken: Uint8Array | undefined;

  /** @internal Made by `client.listWorkflows`. */
  constructor(ctx: ClientContext, query: string | undefined, options: ListWorkflowsOptions) {
    if (query !== undefined && typeof query !== "string") {
      throw new TypeError(`Invalid query '${String(query)}': expected a visibility query string`);
    }
    checkPositiveInteger("limit", options.limit);
    checkPositiveInteger("pageSize", options.pageSize);
    this.#ctx = ctx;
    this.#query = query;
    this.#options = options;
    this.#nextPageToken = options.nextPageToken;
  }

  /** The token of the page after the last one fetched; `undefined` once the list is exhausted. */
  get nextPageToken(): Uint8Array | undefined {
    return this.#nextPageToken;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WorkflowExecutionDescription, void, undefined> {
    let remaining = this.#options.limit ?? Infinity;
    let token = this.#options.nextPageToken;
    while (remaining > 0) {
      const page = await this.#ctx.invoke("listWorkflows", {
        ...rpcOptionsOf(this.#options),
        ...(this.#query === undefined ? {} : { query: this.#query }),
        pageSize: this.#options.pageSize ?? 1000,
        ...(token === undefined ? {} : { nextPageToken: token }),
      });
      token = page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
      this.#nextPageToken = token;
      for (const execution of page.executions) {
        if (remaining <= 0) return;
        remaining--;
        yield execution;
      }
      if (token === undefined) return;
    }
  }

  /** Collects the (remaining) workflows into an array. */
  async toArray(): Promise<WorkflowExecutionDescription[]> {
    const out: WorkflowExecutionDescription[] = [];
    for await (const execution of this) out.push(execution);
    return out;
  }
}
