"""Where things sit in the Excel template, shared by the writer (`downloads`) and the reader (`parsers`).

One sheet, right to left. Column A is hidden and holds machine keys; the rest is for people:

    row 1   A: data set uid        B: title
    row 2   A: "period"            B: «دوره»  C: the period id (editable)  D: a hint
    row 3   (hidden) A: "orgUnit"  B: "name"  C…: "<element uid>.<option combo uid>"
    row 4   Persian headers: «شناسه واحد» «واحد» «<element> — <option combo>» …
    row 5…  one row per org unit: A its uid, B its Persian name, C… the values to fill

Everything but the period cell and the value cells is locked (sheet protection without a password: it
keeps keys from being typed over by accident, it is not a security boundary — the import checks every
row again).
"""
DATA_SET_CELL = (1, 1)
PERIOD_ROW = 2
PERIOD_KEY = "period"
PERIOD_VALUE_COLUMN = 3
KEY_ROW = 3
UNIT_KEY = "orgUnit"
NAME_KEY = "name"
HEADER_ROW = 4
FIRST_DATA_ROW = 5
FIRST_VALUE_COLUMN = 3
SHEET_TITLE = "فرم"

CSV_COLUMNS = (
    "dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value", "storedby",
    "lastupdated", "comment", "followup",
)
