"""Section 4 of the lecture, "Averaging the past": the lecture's four versions of xbow, each with its wei
heatmap, live allclose checks, and the block-matrix reading of a @ b for one row. compute.py runs
model/lecture/trick.py on the checked controls; figures.py draws the heatmaps and the HTML; text.py holds
the strings and CSS; tab.py the builder (its last controls are redrawn on a language switch)."""
from ...feature import Feature
from . import tab, text

SECTION = Feature("trick", "lecture.tab.trick", build=tab.build, strings=text.S, css=text.CSS)
