"""Section 1 of the lecture, data and tokenizer: tiny-shakespeare in numbers, its vocabulary as a table,
an encode/decode playground and the 90/10 split. compute.py counts the corpus (from the one corpus cache,
explorer/corpus.py) and checks the playground's input; figures.py draws it all as HTML (its character
cells serve the batches section too); text.py holds the strings and CSS; tab.py the builder."""
from ...feature import Feature
from . import tab, text
from .tab import DataState

SECTION = Feature("data", "lecture.tab.data", build=tab.build, strings=text.S, css=text.CSS, state=DataState)
