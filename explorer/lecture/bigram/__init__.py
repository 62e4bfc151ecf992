"""Section 3 of the lecture, the bigram and its loss: the (V, V) table of the trained and an untrained
bigram, cross-entropy at one position of a batch and over all of it, why an untrained model starts above
ln V, and samples from both. compute.py runs model/lecture/bigram.py on the shared corpus and the pretrained
bigram; figures.py draws the heatmap, histogram and HTML; text.py holds the strings and CSS; tab.py the
builder and BigramState, the settings a language switch redraws with."""
from ...feature import Feature
from . import tab, text
from .tab import BigramState

SECTION = Feature("bigram", "lecture.tab.bigram", build=tab.build, strings=text.S, css=text.CSS, state=BigramState)
