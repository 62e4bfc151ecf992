"""Section 6 of the lecture, attention as communication: one head's wei of the picked model drawn as a
directed graph over the prompt's characters, decoder (masked) beside encoder (unmasked), then
cross-attention's (T_q, T_kv) wei beside self-attention's (T, T). compute.py runs model/lecture/graph.py
on the picked model; figures.py draws the arc diagrams and heatmaps; text.py holds the strings and CSS;
tab.py the builder (its last prompt and controls are redrawn on a language switch)."""
from ...feature import Feature
from . import tab, text

SECTION = Feature("graph", "lecture.tab.graph", build=tab.build, strings=text.S, css=text.CSS)
