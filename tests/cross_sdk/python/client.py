"""A child process of the cross-SDK tests: the Python SDK's client (PyPI ``temporalio``) drives one
scenario against a Sandglass worker and prints one JSON line with what it saw.

    .venv/bin/python python/client.py ADDRESS TASK_QUEUE '{"namespace": "default",
        "workflowId": "wf", "scenario": "execute", "workflow": "echo", "args": [1]}'

Scenarios: ``execute`` (start ``workflow`` with ``args``, wait for the result or the failure) and
``counter`` (signals and queries against the ``counter`` workflow). Bytes travel as
``{"$bytes": "<base64>"}``, the form of ``../wire.ts``.
"""

import asyncio
import base64
import json
import os
import sys
from typing import Any

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError, FailureError


def from_wire(value: Any) -> Any:
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("$bytes"), str):
            return base64.b64decode(value["$bytes"])
        return {k: from_wire(v) for k, v in value.items()}
    return value


def to_wire(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return value


def describe(error: BaseException) -> dict:
    out: dict = {"name": type(error).__name__, "message": getattr(error, "message", str(error))}
    if isinstance(error, ApplicationError):
        out["type"] = error.type
        out["nonRetryable"] = error.non_retryable
        out["details"] = [to_wire(d) for d in error.details]
    if isinstance(error, (WorkflowFailureError, FailureError)) and error.cause is not None:
        out["cause"] = describe(error.cause)
    return out


async def main(address: str, task_queue: str, request: dict) -> dict:
    client = await Client.connect(address, namespace=request["namespace"])
    workflow_id = request["workflowId"]
    if request["scenario"] == "execute":
        try:
            result = await client.execute_workflow(
                request["workflow"],
                args=[from_wire(a) for a in request.get("args", [])],
                id=workflow_id,
                task_queue=task_queue,
            )
            return {"result": to_wire(result)}
        except WorkflowFailureError as error:
            return {"error": describe(error)}
    handle = await client.start_workflow("counter", id=workflow_id, task_queue=task_queue)
    await handle.signal("add", 1)
    await handle.signal("add", 20)
    total_before = await handle.query("total")
    await handle.signal("add", 300)
    total_after = await handle.query("total")
    greeting = await handle.query("greet", "Ada")
    await handle.signal("finish", "python")
    return {
        "totalBefore": total_before,
        "totalAfter": total_after,
        "greeting": greeting,
        "result": await handle.result(),
    }


if __name__ == "__main__":
    output = asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
    sys.stdout.write(json.dumps(output) + "\n")
    sys.stdout.flush()
    # The SDK's native runtime threads can abort the interpreter while it finalizes ("PyGILState_Release:
    # thread state must be current"); the answer is written, so leave without finalizing.
    os._exit(0)
