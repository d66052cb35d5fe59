"""A plan from its Word document (.docx), a module per job:

- ``package``: the .docx package checked before any parser sees it (zip, sizes, ratios,
  XML without DTDs or entities, cells and paragraphs counted);
- ``extract``: the body's paragraphs and tables read by python-docx, in the limited child
  process of ``monitoring.excel.isolation`` (no project import);
- ``layout``: those blocks as one sheet of rows for the plan recognizer (merged cells,
  tables split over pages, repeated header rows, titles between tables);
- ``reader``: ``open_plan_file``, the plan import's way in, for .docx and .xlsx alike.
"""
