"""The data and the tokenizer: the corpus in numbers and how often each character occurs. The tokenizer
is model/tokenizer.py's CharTokenizer (chars = sorted(set(text)), stoi, itos); encoding the text and the
90/10 split are model/data.py's CharDataset."""
import torch


def corpus_stats(text: str) -> dict:
    """What the lecture prints first: the length in characters, the lines, and the distinct characters."""
    chars = sorted(list(set(text)))  # all the unique characters that occur in this text
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)  # a last line without '\n' still counts
    return {"characters": len(text), "lines": lines, "vocab_size": len(chars)}


def character_counts(train_data: torch.Tensor, val_data: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """How often each id occurs in the whole text (not in the lecture; shown when you hover a character)."""
    data = torch.cat((train_data, val_data))  # (N,) the ids of the whole text again
    return torch.bincount(data, minlength=vocab_size)  # (V,)


def split_at(text: str, around: int = 60) -> tuple[int, int, str, str]:
    """Where the 90/10 split cuts the text: n, the line it falls on, and `around` characters each side."""
    n = int(0.9 * len(text))  # first 90% will be train, rest val (one id per character: text and data cut alike)
    line = text.count("\n", 0, n) + 1
    return n, line, text[max(0, n - around):n], text[n:n + around]
