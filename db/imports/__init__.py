"""Import of items, meeting follow-up items, member units and liaisons from Excel (.xlsx) or CSV.

    parse_file (pure: headers, cell formats, blanks, repeated keys)
      → db.commands.imports.check_import (the preview: every row validated against the
        database and classified as create / update / unchanged, then rolled back)
      → db.commands.imports.ImportFile (the command: permission → the same checks → one
        transaction → one audit row per changed record and one for the import → commit)

All or nothing: one bad row and nothing is written; every problem is reported with the row
number Excel shows and the column's header. Idempotent by the key column (外部编号, for units
单位编码): importing a file again changes nothing; an edited file updates the rows it names."""
from db.imports.base import FileSpec, ParsedFile, Planned, RowError
from db.imports.reader import parse_file
from db.imports.spec import SPECS

__all__ = ["FileSpec", "ParsedFile", "Planned", "RowError", "SPECS", "parse_file", "importer_for"]


def importer_for(kind: str):
    from db.imports.follow_ups import FollowUpImporter
    from db.imports.items import ItemImporter
    from db.imports.liaisons import LiaisonImporter
    from db.imports.units import UnitImporter
    return {"items": ItemImporter, "follow_ups": FollowUpImporter, "units": UnitImporter,
            "liaisons": LiaisonImporter}[kind]
