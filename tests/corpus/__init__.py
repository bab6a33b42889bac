"""The issue-15 corpus: messy kelurahan rosters, payment lists and daftar hadir, written by the tests themselves.

`workbook` writes one neutral description of a sheet (cells, merges, hidden rows and columns) to .xlsx (openpyxl
or xlsxwriter), .ods (content.xml by hand, with its spans and hidden rows) and .csv (any separator and encoding);
`people` holds invented people of Kota Kediri with NIKs that agree with their region, birth date and sex; `files`
lays them out the way offices type them; `cli` runs psmctl as a user would and reads its JSON.
"""
