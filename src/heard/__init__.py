"""heard: leadership empathy as a measured, practised discipline."""

from heard.app import Heard
from heard.errors import HeardError
from heard.settings import Settings

__all__ = ["Heard", "HeardError", "Settings"]
__version__ = "0.1.0"
