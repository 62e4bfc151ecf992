"""Strings of the walkthrough's data section: key: (English, 简体中文)."""

S = {
}
