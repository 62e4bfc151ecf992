"""The code panel every section ends with: the lines of model/ behind its views, read from the source when
the app starts (explorer/source.py), so what is shown is always what runs."""
from .. import source
from ..context import AppContext
from ..source import source_of, where  # noqa: F401 -- the sections' names for them


def code_panel(ctx: AppContext, c: dict, prefix: str, *objs, open: bool = False) -> None:
    """c["code"]: a collapsed accordion titled "The code behind this view" holding the source of objs."""
    source.code_panel(ctx, c, prefix, "lecture.code", *objs, open=open)
