"""The statements in ``cypher/``, and the analysts' library made of them: reading a
statement by name (:mod:`.files`), the library's catalogue of headers and parameters
(:mod:`.catalogue`) and the library as a Neo4j Browser guide (:mod:`.guide`). Nothing here
talks to Neo4j: the store runs the statements (:mod:`engine.graph`), and the embedded
server serves the guide (:mod:`engine.local`).
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.statements.catalogue import (
        PARAMETER_TYPES,
        LibraryQuery,
        Parameter,
        bind,
        get_query,
        library,
        query_names,
    )
    from engine.statements.files import QUERY_FOLDERS, query_text
    from engine.statements.guide import GUIDE_TITLE, guide_html, library_guide_html

__all__ = [
    "GUIDE_TITLE",
    "PARAMETER_TYPES",
    "QUERY_FOLDERS",
    "LibraryQuery",
    "Parameter",
    "bind",
    "get_query",
    "guide_html",
    "library",
    "library_guide_html",
    "query_names",
    "query_text",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
