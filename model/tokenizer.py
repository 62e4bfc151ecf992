"""Character-level tokenizer: the vocabulary is the sorted set of the corpus's characters."""


class UnknownCharactersError(ValueError):
    """Text holds characters that are not in the vocabulary."""

    def __init__(self, chars: list[str]):
        self.chars = chars
        shown = ", ".join(repr(c) for c in chars[:20]) + (" ..." if len(chars) > 20 else "")
        super().__init__(f"{len(chars)} character(s) not in the vocabulary: {shown}")


class CharTokenizer:
    """encode/decode between strings and integer ids, as in the lecture (stoi / itos)."""

    def __init__(self, chars):
        chars = list(chars)
        if not chars:
            raise ValueError("the vocabulary is empty")
        if len(set(chars)) != len(chars) or any(len(c) != 1 for c in chars):
            raise ValueError("the vocabulary must be distinct single characters")
        self.chars = chars
        self.stoi = {ch: i for i, ch in enumerate(chars)}
        self.itos = {i: ch for i, ch in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharTokenizer":
        return cls(sorted(set(text)))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def unknown_chars(self, s: str) -> list[str]:
        """Distinct characters of s outside the vocabulary, in order of first appearance."""
        return list(dict.fromkeys(c for c in s if c not in self.stoi))

    def clean(self, s: str) -> str:
        """s with every character outside the vocabulary dropped."""
        return "".join(c for c in s if c in self.stoi)

    def encode(self, s: str) -> list[int]:
        unknown = self.unknown_chars(s)
        if unknown:
            raise UnknownCharactersError(unknown)
        return [self.stoi[c] for c in s]

    def decode(self, ids) -> str:
        try:
            return "".join(self.itos[int(i)] for i in ids)
        except KeyError as e:
            raise ValueError(f"id {e.args[0]} is outside the vocabulary (0..{self.vocab_size - 1})") from None
