"""A deterministic, believable demo organisation.

:data:`STEPS` is the explicit list of builders; each capability appends its own step
(``("pulse", heard.pulse.demo.build)``) which receives the shared :class:`DemoContext`.
"""

from heard.demo.generator import STEPS, DemoContext, DemoSummary, load_demo

__all__ = ["STEPS", "DemoContext", "DemoSummary", "load_demo"]
