"""What an import is asked to do: the flags of ``funnel import``, or of a ``--mapping`` file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from funnelcli.errors import read_error
from funnelcli.i18n import _
from funnelcli.importers.mapping import MappingFile, parse_mapping


@dataclass(slots=True)
class ImportOptions:
    kind: str = "leads"
    columns: dict[str, str] = field(default_factory=dict)  # --map COLUMN=FIELD
    stage_map: dict[str, str] = field(default_factory=dict)  # --stage-map WORD=STAGE
    id_column: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    dayfirst: bool | None = None
    dry_run: bool = False
    rejects: Path | None = None
    excel: bool = False  # the rejects file for French Excel: UTF-8 with BOM, ';'
    closed_without_opportunity: bool = False
    profile: str | None = None  # --profile NAME|none (None: recognised by the headers)
    profiles_dir: Path | None = None  # the user's own profiles
    update_fields: tuple[str, ...] | None = None  # --update-fields (None: every field)

    def with_mapping(self, mapping: MappingFile, *, kind_given: bool) -> ImportOptions:
        """Options from a ``--mapping`` file, overridden by the flags given on the command line."""
        return ImportOptions(
            kind=self.kind if kind_given or not mapping.kind else mapping.kind,
            columns={**mapping.columns, **self.columns},
            stage_map={**mapping.stages, **self.stage_map},
            id_column=self.id_column or mapping.id_column,
            delimiter=self.delimiter or mapping.delimiter,
            encoding=self.encoding or mapping.encoding,
            dayfirst=self.dayfirst if self.dayfirst is not None else mapping.dayfirst,
            dry_run=self.dry_run,
            rejects=self.rejects,
            excel=self.excel,
            closed_without_opportunity=self.closed_without_opportunity
            or bool(mapping.closed_without_opportunity),
            profile=self.profile or mapping.profile,
            profiles_dir=self.profiles_dir,
            update_fields=self.update_fields
            if self.update_fields is not None
            else mapping.update_fields,
        )


def load_mapping_file(path: Path) -> MappingFile:
    """Read a ``--mapping`` file (TOML; see the README for its keys)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(exc, _("the mapping file {path}").format(path=path)) from None
    return parse_mapping(data, str(path))
