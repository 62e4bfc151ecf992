"""Section 2 of the lecture, batches: one batch drawn by model/data.py's get_batch with a seed, x and y
aligned on the text so the shift by one shows, the tensors as the lecture prints them, and the B x T
examples ("when the input is [...] the target is ..."). compute.py checks the settings and draws the batch
(from the data section's corpus); figures.py draws it as HTML with the data section's character cells;
text.py holds the strings and CSS; tab.py the builder."""
from ...feature import Feature
from . import tab, text

SECTION = Feature("batches", "lecture.tab.batches", build=tab.build, strings=text.S, css=text.CSS)
