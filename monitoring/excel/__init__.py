"""Everything Excel (and the report's PDF), a module per job:

- ``reader``: the bounded check of an uploaded workbook (zip, XML, sizes, cells) and its
  cells read by calamine in the limited child process of ``isolation``;
- ``plan_rows``: a plan table's rows recognised (headers, levels, merged cells);
  ``plan_build``: the plan's structure built from them; ``plan_table``: the whole import,
  with its targets and realizations through the figure writers;
- ``realization_form``, ``realization_preview``: a year's realizations read back from a
  workbook, previewed, stored through the writer;
- ``report``, ``report_layout``, ``report_pdf``: the Gerçekleşme Raporu and the units'
  blank forms (xlsx, PDF);
- ``exports``: formula-safe csv/xlsx for every export and the flat tables' formats;
- ``bulk``: multi-row INSERT / COPY for the imports;
- ``upload_views``: the admin's upload pages (preview, then confirm);
- ``document``: a plan from its Word document (.docx): the package check, python-docx in
  the same limited child, the tables laid out as rows for ``plan_rows``.
"""
