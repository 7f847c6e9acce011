"""Following the reporting: who filed, a unit's answers, reopening a report, the consolidated
figures and their renderings (chat text, .xlsx, .docx, PNG). Imports nothing from `people` or
`publishing`."""
