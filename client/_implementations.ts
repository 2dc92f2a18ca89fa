/**
 * Internal: the terminal implementation of every interceptable client call.
 *
 * @module
 */

import type { ClientContext } from "./_context.ts";
import * as workflow from "./_workflow_calls.ts";
import { asyncActivityCalls } from "./async_completion.ts";
import { buildIdCalls } from "./build_id.ts";
import type { EagerStartDispatcher } from "./eager_start.ts";
import type { ClientCalls } from "./interceptors.ts";
import { scheduleCalls } from "./schedule.ts";
import { executeUpdateWithStart } from "./with_start.ts";

/** One implementation per call name. */
export type Implementations = {
  [K in keyof ClientCalls]: (ctx: ClientContext, input: ClientCalls[K][0]) => Promise<ClientCalls[K][1]>;
};

/** The implementations, with eager start routed through `eager`. */
export function implementations(eager: EagerStartDispatcher): Implementations {
  return {
    startWorkflow: (ctx, input) => workflow.startWorkflow(ctx, input, eager),
    signalWithStart: workflow.signalWithStart,
    signalWorkflow: workflow.signalWorkflow,
    queryWorkflow: workflow.queryWorkflow,
    startWorkflowUpdate: workflow.startWorkflowUpdate,
    pollWorkflowUpdate: workflow.pollWorkflowUpdate,
    startUpdateWithStart: executeUpdateWithStart,
    describeWorkflow: workflow.describeWorkflow,
    cancelWorkflow: workflow.cancelWorkflow,
    terminateWorkflow: workflow.terminateWorkflow,
    fetchWorkflowHistoryEvents: workflow.fetchWorkflowHistoryEvents,
    listWorkflows: workflow.listWorkflows,
    countWorkflows: workflow.countWorkflows,
    ...scheduleCalls,
    ...asyncActivityCalls,
    ...buildIdCalls,
  };
}
