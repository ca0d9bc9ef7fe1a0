"""Counters, a bounded latency histogram, and a rate limiter for error replies and logs. Pure module."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Counters:
    """What the agent counts over its life (reported in /agent/status and at shutdown)."""

    packets_handled: int = 0  # input messages applied to the state
    dropped_packets: int = 0  # input lost because the bounded input queue was full
    kernel_drops: int = 0  # input the kernel dropped (socket receive buffer full), read from /proc/net/udp
    input_errors: int = 0  # malformed or out-of-contract input (each answered by /agent/error, rate-limited)
    notes_sent: int = 0
    notes_cancelled: int = 0
    late_notes: int = 0  # notes whose beat had already passed when they were ready (not sent)
    invalid_notes: int = 0  # generated notes outside their chunk, part or MIDI range (not sent)
    chunks: int = 0  # chunks planned
    fallback_chunks: int = 0  # chunks played by the fallback because the model was late or failed
    generator_errors: int = 0  # generator calls that raised
    discarded_results: int = 0  # model results that came after their deadline or after a replan
    replans: int = 0  # chunks withdrawn and generated again (chord or part change)
    jumps: int = 0  # seeks/loops detected
    errors_suppressed: int = 0  # error replies/logs not sent because of the rate limit


class Histogram:
    """Log-spaced buckets over [lo, hi] (values outside are clamped): bounded memory, ~2% resolution."""

    def __init__(self, lo: float = 1e-6, hi: float = 10.0, buckets_per_decade: int = 50) -> None:
        self._log_lo = math.log10(lo)
        self._per_decade = buckets_per_decade
        self._n = math.ceil((math.log10(hi) - self._log_lo) * buckets_per_decade) + 1
        self._counts = [0] * self._n
        self.count = 0

    def add(self, value: float) -> None:
        position = (math.log10(value) - self._log_lo) * self._per_decade if value > 0 else 0.0
        self._counts[min(self._n - 1, max(0, int(position)))] += 1
        self.count += 1

    def percentile(self, q: float) -> float:
        """The value below which a share `q` (0-100) of the samples lies (bucket upper edge); 0 if empty."""
        if self.count == 0:
            return 0.0
        rank = max(1, math.ceil(self.count * q / 100.0))
        seen = 0
        for i, count in enumerate(self._counts):
            seen += count
            if seen >= rank:
                return float(10 ** (self._log_lo + (i + 1) / self._per_decade))
        return float(10 ** (self._log_lo + self._n / self._per_decade))


class RateLimiter:
    """A token bucket: `allow()` is true at most `rate_per_s` times a second on average (burst 2x)."""

    def __init__(self, rate_per_s: float, now: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = max(1.0, 2.0 * rate_per_s)
        self._now = now
        self._tokens = self.burst
        self._last = now()

    def allow(self) -> bool:
        t = self._now()
        self._tokens = min(self.burst, self._tokens + (t - self._last) * self.rate_per_s)
        self._last = t
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


def percentiles(values: list[float], qs: tuple[float, ...]) -> list[float]:
    """Exact percentiles (nearest rank) of a list, for reports; NaN for an empty list."""
    if not values:
        return [math.nan for _ in qs]
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * q / 100.0) - 1))] for q in qs]
