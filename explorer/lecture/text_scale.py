"""Strings of the walkthrough's scale section: key: (English, 简体中文)."""

S = {
}
