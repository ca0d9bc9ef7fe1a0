"""How a running agent serves the `/compose/*` messages: in order, on their own worker thread.

The live runtime must never wait for composition (filling takes seconds), and composition must not
wait behind live chunks. So `/compose/*` messages go to one `ComposeEndpoint`: it applies them in
arrival order on a single thread of its own, with its own copy of the model (loaded on first use, so an
agent that never composes never pays for it), and hands the replies back to the event loop, which
sends them like any other output. Without a model every request is answered with `/compose/error`.
Imports no torch until the first message arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from agent.wire.compose_osc import ErrorOut

log = logging.getLogger("sideman.compose.endpoint")

Send = Callable[[list[Any]], None]
CallSoon = Callable[[Callable[[], None]], Any]


class ComposeEndpoint:
    """Runs composition messages one at a time on a worker thread; replies go to `send` via `call_soon`."""

    def __init__(self, model_path: Path | None, send: Send, call_soon: CallSoon, threads: int = 1,
                 params: Any = None) -> None:
        self.model_path, self._send, self._call_soon, self.threads = model_path, send, call_soon, threads
        self.params = params  # the agent's sampling settings (SamplingParams; None: the defaults)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compose")
        self._service: Any = None
        self.handled = 0

    def submit(self, message: Any) -> Future[list[Any]]:
        """Queue one decoded `/compose/*` message; its replies are sent when it has run."""
        future = self._executor.submit(self._handle, message)
        future.add_done_callback(self._done)
        return future

    def close(self) -> None:
        """Drop what has not started; a round already running finishes in the background."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _handle(self, message: Any) -> list[Any]:
        request = getattr(message, "request", -1)
        try:
            service = self._load()
        except Exception as exc:  # noqa: BLE001 - an unloadable model: every request says so, the agent plays on
            log.error("composition model could not be loaded: %s", exc)
            return [ErrorOut(request, f"composition needs a model and it could not be loaded: {exc}")]
        if service is None:
            return [ErrorOut(request, "composition needs a model: start the agent with --model PATH")]
        self.handled += 1
        replies: list[Any] = service.handle(message)
        return replies

    def _load(self) -> Any:
        if self._service is None and self.model_path is not None:
            from agent.compose.service import ComposeService
            from agent.model.checkpoint import load_checkpoint
            from agent.model.engine import limit_threads

            limit_threads(self.threads)
            model, timing, _ = load_checkpoint(self.model_path)
            self._service = ComposeService(model, timing, self.params)
            log.info("composition: model %s loaded", self.model_path.name)
        return self._service

    def _done(self, future: Future[list[Any]]) -> None:
        if future.cancelled():
            return
        try:
            replies = future.result()
        except Exception:  # a bug in one request must not stop the agent: log it, answer nothing
            log.exception("composition request failed")
            return
        if replies:
            try:
                self._call_soon(lambda: self._send(replies))
            except RuntimeError:  # the loop closed during shutdown: nobody to answer
                pass
