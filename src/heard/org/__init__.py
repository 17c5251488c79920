"""The organisation: departments, teams in a leadership hierarchy, and people."""
