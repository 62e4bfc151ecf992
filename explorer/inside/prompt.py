"""What the Attention, Softmax and Sampling tabs share: the prompt box with its notice and its
"drop unknown characters" button, and the picked model with its prompt resolved. They live in
explorer/prompts.py, a base module, since the Layers tab shares them too."""
from ..prompts import QUIET, notice_html, prepare, prompt_row, wire_drop  # noqa: F401 -- this package's names
