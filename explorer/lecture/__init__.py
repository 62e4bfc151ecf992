"""The lecture, walked through (issue 5): one sub-tab per idea, in the lecture's order (listed in
explorer/tabs/lecture.py). Each section module has build(ctx) -> dict of components; its strings
live in the text_<name>.py module beside it (merged into explorer/i18n.py by TEXTS below), its
computations in model/lecture/, and it shows their source with code.code_panel."""
from . import text_batches, text_bigram, text_data, text_graph, text_scale, text_trick

TEXTS = (text_data.S, text_batches.S, text_bigram.S, text_trick.S, text_scale.S, text_graph.S)
