"""Confidence of a finding: how likely it is to be right, from the evidence its rule recorded."""

from __future__ import annotations

from dataclasses import replace

from unspun.drift.view import Change


def calibrate(c: Change) -> Change:
    """Fill in ``confidence`` for a change whose rule left it open (0.0)."""
    if c.confidence:
        return c
    sim = float(c.evidence.get("sim", 0.5))
    conf = 0.5 + 0.4 * sim
    if c.basis == "soft":
        conf *= 0.85
    return replace(c, confidence=round(min(1.0, conf), 2))
