"""The Lecture tab: the ideas of the lecture before the full GPT, one sub-tab per section, in its order.
Each section is a package holding compute.py (tensors in, numpy and plain data out), figures.py (pure:
arrays in, plotly figures or escaped HTML out), text.py (its strings and CSS) and tab.py (its builder:
components and events); its __init__ declares it as a Feature. The computations themselves live in
model/lecture/, and code.py shows their source under each section.

    data/      1 · the corpus in numbers, its vocabulary, an encode/decode playground, the 90/10 split
    batches/   2 · one batch from get_batch, x and y aligned, the B x T examples
    bigram/    3 · the bigram's table, cross-entropy step by step, the ln V baseline, samples
    trick/     4 · averaging the past: the four versions of xbow, and a @ b as a weighted sum
    scale/     5 · why attention divides by √head_size
    graph/     6 · one head's wei as a graph, decoder beside encoder, and cross-attention
    ladder/    7 · building the Transformer: each addition of the lecture's second half, trained and measured
    code.py    the code panel every section ends with
    text.py    the tab's own strings; tab.py builds its intro
"""
from ..feature import Feature
from . import batches, bigram, data, graph, ladder, scale, tab, text, trick

FEATURE = Feature("lecture", "tab.lecture", build=tab.build, strings=text.S, css=text.CSS,
                  sections=(data.SECTION, batches.SECTION, bigram.SECTION, trick.SECTION, scale.SECTION,
                            graph.SECTION, ladder.SECTION))
