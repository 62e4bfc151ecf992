"""Section 7 of the lecture, building the Transformer: the lecture's second half as a ladder of rungs,
each the one GPT class with one more switch on, trained and measured (assets/ holds each one).
compute.py reads the rungs' checkpoints and samples from them; figures.py draws the staircase, the
table and the samples; text.py holds the strings and CSS; api.py its endpoints (ladder, ladder_code);
tab.py the builder."""
from ...feature import Feature
from . import api, tab, text
from .runs import LadderState

SECTION = Feature("ladder", "lecture.tab.ladder", build=tab.build, strings=text.S, css=text.CSS,
                  api=api.register, state=LadderState, warm=tab.warm)
