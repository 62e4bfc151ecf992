"""Strings of the walkthrough's graph section: key: (English, 简体中文)."""

S = {
}
