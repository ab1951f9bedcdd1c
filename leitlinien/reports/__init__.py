"""Progress reports (Sachstandsberichte) to the Ausschuss: the cycle, the draft with its
tables, the export and the paper. `selectors` gathers a period's data, `services` writes,
`export` renders PDF and DOCX."""
