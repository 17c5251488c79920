"""Pulse and the leadership empathy gap (PRODUCT.md section 1).

Modules, in the order data flows through them:

- :mod:`items`: the item bank (heard's own wording) and admin-added items.
- :mod:`config`: organisation settings, such as the anonymity threshold k.
- :mod:`rounds`: draft -> open -> closed -> results; invitations, ballots, closing.
- :mod:`predictions`: leaders predict their team's averages while a round is open.
- :mod:`anonymity`: **the one aggregation function**, :func:`anonymity.round_results`.
  Every page, API response, CLI report and export gets its numbers from it.
- :mod:`stats`: confidence intervals, rWG, ICC(1), Spearman (numpy/scipy).
- :mod:`gaps`: the empathy gap per leader, item and round, and organisation views.
- :mod:`report`: one record per (team, item) for `heard pulse report` and exports.
- :mod:`views`: what each role may see, as data dicts for pages and the API.
"""
