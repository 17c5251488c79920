"""Empathy programs: customer immersion, role rotation, perspective-taking and rituals.

Modules: ``catalog`` (kinds, templates, guides), ``sessions`` (programs and sessions),
``scheduler`` (rotation scheduling with CP-SAT), ``observations`` (capture, redacted),
``patterns`` and ``embedding`` (pattern-finding debriefs), ``actions`` (experiments,
pilots, commitments), ``cadence`` (ritual adherence and reminders), ``calendar`` (.ics).
"""
