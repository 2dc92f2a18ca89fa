import { test } from "node:test";
import assert from "node:assert/strict";
import { ScheduleAlreadyRunningError } from "../../common/client_errors.ts";
import { defineSearchAttributeKey, SearchAttributeType } from "../../client/search_attributes.ts";
import type { Schedule } from "../../client/schedule_types.ts";
import { eventually, testClient, uniqueId } from "./client_support.ts";

const owner = defineSearchAttributeKey("SandglassKeyword", SearchAttributeType.KEYWORD);

function yearly(taskQueue: string, workflowId: string): Schedule {
  return {
    action: {
      workflow: "report",
      args: ["Q1", 3],
      id: workflowId,
      taskQueue,
      staticSummary: "Quarterly report",
      memo: { kind: "report" },
    },
    // Once a year (January 1st, 00:00 UTC): nothing fires on its own during the test.
    spec: { calendars: [{ month: [{ start: 1 }], dayOfMonth: [{ start: 1 }] }], intervals: [] },
    policy: { overlap: "ALLOW_ALL" },
  };
}

test("createSchedule with trigger, memo and search attributes; describe, list, pause, unpause, trigger, backfill, delete", async () => {
  const { client, taskQueue } = await testClient();
  const id = uniqueId("sched");
  const workflowId = uniqueId("report");
  const tag = uniqueId("owner");
  try {
    const handle = await client.createSchedule(id, {
      schedule: yearly(taskQueue, workflowId),
      triggerImmediately: true,
      memo: { team: "finance" },
      searchAttributes: [{ key: owner, value: tag }],
    });
    assert.equal(handle.id, id);
    await assert.rejects(
      client.createSchedule(id, { schedule: yearly(taskQueue, workflowId) }),
      (err: unknown) => err instanceof ScheduleAlreadyRunningError && err.scheduleId === id,
    );

    const described = await eventually(async () => {
      const d = await handle.describe();
      return d.info.numActions >= 1 ? d : undefined;
    });
    assert.equal(described.schedule.action.workflow, "report");
    assert.deepEqual(described.schedule.action.args, ["Q1", 3]);
    assert.equal(described.schedule.action.taskQueue, taskQueue);
    assert.equal(described.schedule.action.staticSummary, "Quarterly report");
    assert.deepEqual(described.schedule.action.memo, { kind: "report" });
    assert.equal(described.schedule.policy.overlap, "ALLOW_ALL");
    assert.deepEqual(described.schedule.spec.calendars?.[0]?.month, [{ start: 1, end: 1, step: 1 }]);
    assert.deepEqual(await described.memo(), { team: "finance" });
    assert.equal(described.searchAttributes.get(owner), tag);
    // The immediate trigger started a workflow whose id begins with the configured one.
    const triggered = described.info.recentActions[0] ?? described.info.runningActions[0];
    assert.ok(triggered?.workflowId.startsWith(workflowId));

    const listed = await eventually(async () => {
      for await (const entry of client.listSchedules(`SandglassKeyword = '${tag}'`)) {
        if (entry.id === id) return entry;
      }
      return undefined;
    });
    assert.equal(listed.schedule?.workflowType, "report");
    assert.deepEqual(await listed.memo(), { team: "finance" });

    await handle.pause("maintenance window");
    let state = (await handle.describe()).schedule.state;
    assert.equal(state.paused, true);
    assert.equal(state.note, "maintenance window");
    await handle.unpause("back to normal");
    state = (await handle.describe()).schedule.state;
    assert.equal(state.paused, false);
    assert.equal(state.note, "back to normal");

    // Workflow ids of actions end with the scheduled second, and a second action in the same
    // second would collide with the first: trigger once the last action's second has passed.
    const current = await handle.describe();
    const lastAt = Math.max(...current.info.recentActions.map((a) => a.scheduledAt?.getTime() ?? 0));
    await eventually(() =>
      Promise.resolve(Date.now() >= Math.floor(lastAt / 1000) * 1000 + 1_100 ? true : undefined)
    );
    const before = current.info.numActions;
    await handle.trigger({ overlap: "ALLOW_ALL" });
    await eventually(async () => ((await handle.describe()).info.numActions > before ? true : undefined));

    // Backfill a period containing two January 1sts: two more actions.
    const afterTrigger = (await handle.describe()).info.numActions;
    await handle.backfill([{
      startAt: new Date("2020-12-31T00:00:00Z"),
      endAt: new Date("2022-01-02T00:00:00Z"),
      overlap: "ALLOW_ALL",
    }]);
    await eventually(
      async () => ((await handle.describe()).info.numActions >= afterTrigger + 2 ? true : undefined),
    );

    await handle.delete();
    await eventually(async () => {
      try {
        await handle.describe();
        return undefined;
      } catch {
        return true;
      }
    });
  } finally {
    // Terminate the workflows the schedule started.
    for await (
      const wf of client.listWorkflows(
        `WorkflowId STARTS_WITH '${workflowId}' AND ExecutionStatus = 'Running'`,
      )
    ) {
      await client.getWorkflowHandle(wf.workflowId).terminate().catch(() => {});
    }
    await client.getScheduleHandle(id).delete().catch(() => {});
    await client.connection.close();
  }
});

test("update is a read-modify-write that sends the conflict token of the description it read", async () => {
  const tokens: { read?: Uint8Array; written?: Uint8Array } = {};
  const { client, taskQueue } = await testClient({
    interceptors: [{
      async describeSchedule(input, next) {
        const description = await next(input);
        tokens.read = description.conflictToken;
        return description;
      },
      updateSchedule(input, next) {
        tokens.written = input.conflictToken;
        return next(input);
      },
    }],
  });
  const id = uniqueId("sched");
  try {
    const handle = await client.createSchedule(id, { schedule: yearly(taskQueue, uniqueId("report")) });
    let seen: string | undefined;
    await handle.update((current) => {
      seen = String(current.schedule.action.args?.[0]);
      return {
        schedule: {
          ...current.schedule,
          action: { ...current.schedule.action, args: ["Q2"] },
          spec: { ...current.schedule.spec, intervals: [{ every: "365 days" }] },
        },
      };
    });
    assert.equal(seen, "Q1");
    assert.ok(tokens.read && tokens.read.length > 0);
    assert.deepEqual(tokens.written, tokens.read);
    const after = await eventually(async () => {
      const d = await handle.describe();
      return d.schedule.action.args?.[0] === "Q2" ? d : undefined;
    });
    assert.equal(after.schedule.spec.intervals?.[0]?.every, 365 * 86_400_000);
    let called = false;
    await handle.update(() => {
      called = true;
      return undefined; // no change: no write
    });
    assert.ok(called);
    assert.throws(() => client.getScheduleHandle(""), /Missing schedule id/);
    await assert.rejects(
      client.createSchedule(uniqueId("s"), { schedule: { spec: {} } as never }),
      /Missing schedule action/,
    );
  } finally {
    await client.getScheduleHandle(id).delete().catch(() => {});
    await client.connection.close();
  }
});
