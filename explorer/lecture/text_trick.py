"""Strings of the walkthrough's trick section: key: (English, 简体中文)."""

S = {
}
