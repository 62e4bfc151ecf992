"""Strings of the Lecture tab itself (its title, intro and sub-tab titles): key: (English, 简体中文).
Each section keeps its own in <section>/text.py."""

S = {
    "tab.lecture": ("Lecture", "课程讲解"),
    "lecture.intro": ("The ideas of the lecture in its order, each computed live by `model/`, up to the full GPT "
                      "built one addition at a time (section 7). Every section ends with the code that computes it.",
                      "按课程顺序排列的各个概念,每一个都由 `model/` 实时计算,直到一步一步搭出完整的 GPT"
                      "(第 7 节)。每一节末尾附有计算它的代码。"),
    "lecture.tab.data": ("1 · Data and tokenizer", "1 · 数据与分词器"),
    "lecture.tab.batches": ("2 · Batches", "2 · 批次"),
    "lecture.tab.bigram": ("3 · Bigram and loss", "3 · Bigram 与损失"),
    "lecture.tab.trick": ("4 · Averaging the past", "4 · 对过去取平均"),
    "lecture.tab.scale": ("5 · Why √head_size", "5 · 为何除以 √head_size"),
    "lecture.tab.graph": ("6 · Attention as communication", "6 · 注意力即通信"),
    "lecture.tab.ladder": ("7 · Building the Transformer", "7 · 搭建 Transformer"),
    "lecture.code": ("The code behind this view (read from model/ as it runs)", "这一部分背后的代码(运行时从 model/ 读取)"),
}
CSS = ""  # the sections bring their own
