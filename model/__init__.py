"""The lecture's two character-level models, pure PyTorch: bigram and a small GPT."""
