"""Section 5 of the lecture, "Why √head_size": the variance of q @ k.T with and without the scale, their
entries as overlaid histograms, and one row's softmax, diffuse (scaled) or near one-hot. compute.py runs
model/lecture/scale.py on the checked controls; figures.py draws the histograms and the numbers; text.py
holds the strings and CSS; tab.py the builder (its last controls are redrawn on a language switch)."""
from ...feature import Feature
from . import tab, text

SECTION = Feature("scale", "lecture.tab.scale", build=tab.build, strings=text.S, css=text.CSS)
