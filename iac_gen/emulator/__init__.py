"""A local ARM + Resource Graph emulator (HTTPS on loopback) for tests and demos.

Standard library plus `trustme`; never imports the Azure SDK.
"""

from __future__ import annotations

from iac_gen.emulator.faults import Fault, FaultPlan
from iac_gen.emulator.server import Emulator, TrustmeMissing

__all__ = ["Emulator", "Fault", "FaultPlan", "TrustmeMissing"]
