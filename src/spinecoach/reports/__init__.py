"""Reports: history computations, CSV / JSON exports, the HTML and PDF clinician report, charts.

::

    data.py             HistoryData + load_history(repo, user, since): records via the port
    adherence.py        pure: calendar, days done vs planned per week
    symptoms.py         pure: pain change vs 2 points / 30 % (Ostelo 2008), centralisation
    exercise_trends.py  pure: per-exercise value per session, registered by decorator
    summary.py          pure: summarise(data, start, end, ...) -> HistorySummary
    text.py             sentences and the plain-text history
    serialise.py        HistorySummary -> JSON-ready dict
    export.py           CSV (directory or .zip, one file per table) and JSON
    charts.py           matplotlib (Agg canvas, no pyplot) -> PNG / inline SVG
    html.py, pdf.py     the one-page clinician report
    sample.py           a deterministic made-up history (demos and tests)

Computations take record lists and never touch a database; rendering is kept apart.
"""
