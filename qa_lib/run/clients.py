"""Kernel clients that start without an idle wait: jupyter_client's own, except for how they wait until ready.

jupyter_client's `wait_for_ready` asks the kernel for its info, waits for the reply and for one IOPub message
(so the IOPub channel is known to be connected), then reads IOPub until it has been silent for 0.2 s. Every
client papermill starts for a notebook, and every reset of a kept kernel, paid that 0.2 s doing nothing:
about a second of a cold demo run's wall time, on the workers' critical path. These clients read only what
IOPub already holds. A message of the kernel-info exchange that arrives later cannot be mistaken for a
cell's output: nbclient and `execute_interactive` keep only messages whose parent is their own request.
(Output that a thread left running by an earlier notebook prints later is sent by ipykernel under whichever
cell is running then, with these clients or with jupyter_client's; the pack's notebooks start no threads.)

Imported in the notebook workers only (jupyter_client is heavy); `qa_lib.run.execute` gives them to its
warm kernel's manager. The loop is jupyter_client 8's, two of its private methods included, so
`tests/run/test_warm_kernel.py` runs notebooks through these clients and checks a dead kernel is reported.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.client import KernelClient
from jupyter_client.utils import run_sync
from jupyter_core.utils import ensure_async

KERNEL_INFO_WAIT = 1.0  # seconds for the kernel-info reply before asking again (jupyter_client's)
IOPUB_CONNECTED_WAIT = 0.2  # seconds for the first IOPub message that shows the channel is connected (jupyter_client's)


async def wait_until_ready(client: KernelClient, timeout: float | None = None) -> None:
    """Return once the kernel has answered a kernel-info request and IOPub is connected; raise RuntimeError if
    the kernel dies or does not answer within `timeout` seconds. What IOPub holds by then is read and dropped,
    without waiting for more."""
    deadline = time.time() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply: dict[str, Any] = await ensure_async(client.shell_channel.get_msg(timeout=KERNEL_INFO_WAIT))
        except Empty:
            pass
        else:
            if reply["msg_type"] == "kernel_info_reply":
                try:
                    await ensure_async(client.iopub_channel.get_msg(timeout=IOPUB_CONNECTED_WAIT))
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    client._handle_kernel_info_reply(reply)  # the protocol version, as jupyter_client sets it
                    break
        if not await KernelClient._async_is_alive(client):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.time() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
    while True:  # what IOPub already holds, without waiting 0.2 s for it to fall silent
        try:
            await ensure_async(client.iopub_channel.get_msg(timeout=0))
        except Empty:
            break


class QuickAsyncClient(AsyncKernelClient):
    """The client papermill (nbclient) makes for each notebook, from the kernel manager's `client_factory`."""

    wait_for_ready = wait_until_ready


class QuickBlockingClient(BlockingKernelClient):
    """The client the worker uses to warm its kernel and reset it between notebooks (`blocking_class`)."""

    wait_for_ready = run_sync(wait_until_ready)
