"""Inside the stack: the Layers tab, what each layer predicts (logit lens), where the model is
surprised (per-character loss, against a second model too) and what the embedding tables learned.

    compute.py    tensors in, numpy out (through model/lens.py); LayersState, the session's cache
    figures.py    pure: numpy in, plotly figures (and coloured text) out
    text.py       the tab's strings and CSS
    api.py        its gradio_client endpoints (logit_lens, surprise, embeddings)
    tab.py        its builders: the tab's intro and one per sub-tab
"""
from ..feature import Feature
from . import api, tab, text
from .compute import LayersState

FEATURE = Feature("layers", "tab.layers", build=tab.build, strings=text.S, css=text.CSS, api=api.register,
                  state=LayersState, sections=(
                      Feature("lens", "layers.lens", build=tab.build_lens),
                      Feature("surprise", "layers.surprise", build=tab.build_surprise),
                      Feature("embeddings", "layers.embeddings", build=tab.build_embeddings)))
