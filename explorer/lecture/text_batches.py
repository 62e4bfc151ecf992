"""Strings of the walkthrough's batches section: key: (English, 简体中文)."""

S = {
}
