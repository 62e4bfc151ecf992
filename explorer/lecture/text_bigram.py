"""Strings of the walkthrough's bigram section: key: (English, 简体中文)."""

S = {
}
