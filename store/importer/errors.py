"""Errors that stop a whole import file (row problems are rejections, not errors)."""

from store.errors import OrderdeskError


class ImportFileError(OrderdeskError):
    """The file as a whole can't be imported; nothing from it was written."""


class UnknownImportKind(ImportFileError):
    def __init__(self, kind: str, known: list[str]):
        self.kind = kind
        super().__init__(f"Unknown import kind '{kind}'. Use one of: {', '.join(known)}.")


class UnreadableFile(ImportFileError):
    def __init__(self, path: str, problem: str):
        self.path = path
        super().__init__(f"Can't read {path}: {problem}")


class MissingColumns(ImportFileError):
    """Required columns are absent from the header row."""

    def __init__(self, path: str, kind: str, missing: list[str], expected: list[str]):
        self.path = path
        self.missing = list(missing)
        self.expected = list(expected)
        super().__init__(
            f"{path} can't be imported as {kind}: the header row has no "
            f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Expected columns: {', '.join(expected)} (case and spaces don't matter; "
            "extra columns are ignored)."
        )
