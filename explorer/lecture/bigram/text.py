"""Strings of the walkthrough's bigram section: key: (English, 简体中文); and its CSS."""

S = {
    "lec.bigram.intro": (
        "The lecture's first model, `BigramLanguageModel`, is one `nn.Embedding(V, V)` table, "
        "`token_embedding_table`. The character `xb[b, t]` picks a row, and that row *is* the logits for the "
        "next character: no context, no attention. Training makes the right next character likely; the loss "
        "that measures it is cross-entropy.",
        "课程的第一个模型 `BigramLanguageModel` 只有一张 `nn.Embedding(V, V)` 表 `token_embedding_table`。"
        "字符 `xb[b, t]` 选出一行,这一行**就是**下一个字符的 logits:没有上下文,也没有注意力。"
        "训练让正确的下一个字符变得更可能;衡量这一点的损失是交叉熵。"),
    "lec.bigram.init_seed": ("Seed of the untrained bigram (its N(0, 1) init); 1337, with batch seed 1337, gives "
                             "the lecture's loss 4.8786",
                             "未训练 Bigram 的随机种子(N(0, 1) 初始化);1337 配合批次种子 1337,得到课程中的损失 4.8786"),
    "lec.bigram.which": ("Which bigram", "哪个 Bigram"),
    "lec.bigram.trained": ("trained (assets/bigram)", "已训练(assets/bigram)"),
    "lec.bigram.fresh": ("untrained (fresh init)", "未训练(刚初始化)"),
    "lec.bigram.trained_short": ("trained", "已训练"),
    "lec.bigram.fresh_short": ("untrained", "未训练"),
    # the table
    "lec.bigram.table_head": (
        "### The table\nEach row is one current character, each column a next character. "
        "**logits** shows `token_embedding_table.weight`; **probabilities** shows `F.softmax` of each row "
        "(every row sums to 1). Hover a cell: after `'q'` the next character is `'u'` with p = ...",
        "### 查找表\n每一行是一个当前字符,每一列是一个下一个字符。**logits** 显示 `token_embedding_table.weight`;"
        "**概率**显示对每一行做 `F.softmax` 的结果(每行之和为 1)。鼠标悬停在格子上:在 `'q'` 之后,下一个字符是 "
        "`'u'` 的概率 p = ..."),
    "lec.bigram.view": ("Show", "显示"),
    "lec.bigram.view_logits": ("logits (the weights)", "logits(权重本身)"),
    "lec.bigram.view_probs": ("probabilities (softmax of each row)", "概率(每行做 softmax)"),
    "lec.bigram.row": ("One row: after the character", "单独一行:在这个字符之后"),
    "lec.bigram.heat_logits": ("{model}: token_embedding_table.weight ({V} × {V})",
                               "{model}:token_embedding_table.weight({V} × {V})"),
    "lec.bigram.heat_probs": ("{model}: F.softmax(each row), rows sum to 1", "{model}:对每行做 F.softmax,每行之和为 1"),
    "lec.bigram.axis_next": ("next character (column)", "下一个字符(列)"),
    "lec.bigram.axis_cur": ("current character xb (row)", "当前字符 xb(行)"),
    "lec.bigram.hover_logits": ("after '%{y}' → '%{x}': logit %{z:.2f}, p = %{customdata:.3f}",
                                "'%{y}' 之后 → '%{x}':logit %{z:.2f},概率 p = %{customdata:.3f}"),
    "lec.bigram.hover_probs": ("after '%{y}' the next char is '%{x}' with p = %{z:.3f}",
                               "'%{y}' 之后下一个字符是 '%{x}' 的概率 p = %{z:.3f}"),
    "lec.bigram.row_head": ("After {char}, the most likely next characters (row {i} of the table):",
                            "在 {char} 之后最可能的下一个字符(表的第 {i} 行):"),
    "lec.bigram.row_missing": ("not available", "不可用"),
    # one position's loss
    "lec.bigram.chain_head": (
        "### Cross-entropy at one position\n`xb, yb = get_batch('train')` with B = 4, T = 8 (a `torch.Generator` "
        "seeded below). Pick a position (b, t): its loss term is `-log p[target]`. The loss is the mean of the "
        "B × T terms, which is exactly what `F.cross_entropy` computes.",
        "### 单个位置上的交叉熵\n`xb, yb = get_batch('train')`,B = 4,T = 8(用下面种子初始化的 "
        "`torch.Generator`)。选一个位置 (b, t):它的损失项是 `-log p[target]`。损失就是 B × T 个损失项的平均值,"
        "与 `F.cross_entropy` 算出的结果完全相同。"),
    "lec.bigram.batch_seed": ("Batch seed (get_batch)", "批次随机种子(get_batch)"),
    "lec.bigram.b": ("b: which row of the batch", "b:批次中的第几行"),
    "lec.bigram.t": ("t: which position in the row", "t:行中的第几个位置"),
    "lec.bigram.batch_title": ("xb → yb at every (b, t), coloured by its loss term -log p[target]:",
                               "每个 (b, t) 上的 xb → yb,颜色表示它的损失项 -log p[target]:"),
    "lec.bigram.step_input": ("xb[{b}, {t}] = {x} (id {xi}); the target yb[{b}, {t}] = {y} (id {yi})",
                              "xb[{b}, {t}] = {x}(id {xi});目标 yb[{b}, {t}] = {y}(id {yi})"),
    "lec.bigram.step_logits": ("logits = token_embedding_table(xb)[{b}, {t}], row {x} of the table; the largest:",
                               "logits = token_embedding_table(xb)[{b}, {t}],即表中 {x} 这一行;最大的几个:"),
    "lec.bigram.step_target_logit": ("the target's logit: {logit} (rank {rank} of {V})",
                                     "目标字符的 logit:{logit}({V} 个中排第 {rank})"),
    "lec.bigram.step_probs": ("probs = F.softmax(logits, dim=-1), sum = {total}; the largest:",
                              "probs = F.softmax(logits, dim=-1),总和 = {total};最大的几个:"),
    "lec.bigram.step_p": ("p[target] = probs[{y}] = {p}: the probability of the right answer",
                          "p[target] = probs[{y}] = {p}:正确答案的概率"),
    "lec.bigram.step_term": ("-log p[target] = {term}: this position's loss term", "-log p[target] = {term}:这个位置的损失项"),
    "lec.bigram.mean": ("mean of the {n} terms (B × T = {B} × {T})", "{n} 个损失项的平均值(B × T = {B} × {T})"),
    "lec.bigram.ce": ("F.cross_entropy(logits.view(B*T, C), targets.view(B*T)), C = V = {V}",
                      "F.cross_entropy(logits.view(B*T, C), targets.view(B*T)),C = V = {V}"),
    "lec.bigram.same": ("equal: they differ by {diff} (float32 rounding)", "相等:两者相差 {diff}(float32 舍入误差)"),
    "lec.bigram.differ": ("they differ by {diff}", "两者相差 {diff}"),
    # the baseline
    "lec.bigram.base_head": (
        "### Why an untrained bigram starts above ln V\nA model that knows nothing and says so gives every "
        "character p = 1/V, so its loss is -log(1/V) = ln V. A freshly initialised bigram does worse: its logits "
        "are N(0, 1), so each row's softmax is uneven: its largest probability is about 0.1 (against 1/V ≈ 0.015), "
        "on a character chosen at random.",
        "### 为什么未训练的 Bigram 损失高于 ln V\n一个什么都不知道、也承认自己不知道的模型,给每个字符的概率都是 1/V,"
        "损失就是 -log(1/V) = ln V。刚初始化的 Bigram 更差:它的 logits 服从 N(0, 1),每一行 softmax 之后都集中在"
        "一些随机字符上:每行最大的概率约为 0.1(而 1/V ≈ 0.015)。"),
    "lec.bigram.base_uniform": ("uniform baseline ln V = ln {V}", "均匀分布基线 ln V = ln {V}"),
    "lec.bigram.base_fresh": ("untrained bigram, loss on {n} positions", "未训练 Bigram 在 {n} 个位置上的损失"),
    "lec.bigram.base_trained": ("trained bigram, loss on the same positions", "已训练 Bigram 在相同位置上的损失"),
    "lec.bigram.base_entropy": ("mean entropy of the untrained rows (nats), below ln V: peaked, not flat",
                                "未训练各行的平均熵(nats),低于 ln V:分布尖锐而不平坦"),
    "lec.bigram.base_std": ("spread (std) of the untrained logits", "未训练 logits 的标准差(方差的平方根)"),
    "lec.bigram.base_why": (
        "The extra ≈ 0.5 over ln V comes from that unevenness: the mass sits on random characters, so the "
        "right one usually gets less than 1/V. Training first removes it (the loss falls fast below ln V), then "
        "learns which characters really follow which.",
        "比 ln V 多出来的约 0.5 正是来自这种不均匀:概率集中在随机的字符上,正确字符得到的概率通常小于 1/V。"
        "训练先消除这部分(损失迅速降到 ln V 以下),再学会哪些字符真的跟在哪些字符后面。"),
    "lec.bigram.hist_title": ("-log p[target] at {n} positions (B = {B}, T = {T})",
                              "{n} 个位置上的 -log p[target](B = {B},T = {T})"),
    "lec.bigram.hist_x": ("loss term -log p[target]", "损失项 -log p[target]"),
    "lec.bigram.hist_y": ("positions", "位置数"),
    "lec.bigram.hist_lnv": ("uniform ln V = {v}", "均匀基线 ln V = {v}"),
    "lec.bigram.hist_mean": ("{model}: mean {v}", "{model}:平均 {v}"),
    # sampling
    "lec.bigram.sample_head": (
        "### Sampling from both\nThe lecture's `generate()` loop, from `idx = [[0]]` (a newline): "
        "`logits[:, -1, :]` → `F.softmax` → `torch.multinomial` → `torch.cat`, the same seed for both.",
        "### 从两个模型采样\n课程中的 `generate()` 循环,从 `idx = [[0]]`(一个换行符)开始:"
        "`logits[:, -1, :]` → `F.softmax` → `torch.multinomial` → `torch.cat`,两个模型使用同一个种子。"),
    "lec.bigram.sample_seed": ("Sampling seed", "采样随机种子"),
    "lec.bigram.length": ("Characters (max_new_tokens)", "字符数(max_new_tokens)"),
    "lec.bigram.again": ("Sample again (next seed)", "再采样一次(换下一个种子)"),
    "lec.bigram.sample_title": ("{model}, seed {seed}", "{model},种子 {seed}"),
    # refusals
    "lec.bigram.no_checkpoint": (
        "No trained bigram checkpoint here (assets/bigram is missing or unreadable); the untrained bigram "
        "still works. Train one with: python -m model.train --preset bigram --out assets/bigram",
        "这里没有已训练的 Bigram 检查点(assets/bigram 缺失或无法读取);未训练的 Bigram 仍然可用。"
        "可以这样训练一个:python -m model.train --preset bigram --out assets/bigram"),
    "lec.bigram.no_corpus": (
        "The tiny-shakespeare corpus is not on this server ({why}), so there is no batch to compute a loss on. {how}",
        "服务器上没有 tiny-shakespeare 语料({why}),因此没有批次可以计算损失。{how}"),
    "lec.bigram.vocab_mismatch": (
        "The trained bigram's vocabulary ({n} characters) differs from the corpus's ({m}); pick the untrained "
        "bigram here.",
        "已训练 Bigram 的词表({n} 个字符)与语料的词表({m} 个)不同;请在这里选择未训练的 Bigram。"),
    "lec.bigram.position": ("Position (b, t) = ({b}, {t}) is outside the batch: b goes from 0 to {B1}, "
                            "t from 0 to {T1}.",
                            "位置 (b, t) = ({b}, {t}) 超出了批次范围:b 取 0 到 {B1},t 取 0 到 {T1}。"),
}

CSS = """
#lec-bigram-batch table, #lec-bigram-batch th, #lec-bigram-batch td, #lec-bigram-mean table, #lec-bigram-mean td,
#lec-bigram-base table, #lec-bigram-base td, #lec-bigram-batch tr, #lec-bigram-mean tr, #lec-bigram-base tr {
  border: none !important; width: auto; }
#lec-bigram-batch th, #lec-bigram-batch td { padding: 2px 4px; }
@media (max-width: 480px) { #lec-bigram-batch table { font-size: 12px !important; border-spacing: 1px !important; }
  #lec-bigram-batch th, #lec-bigram-batch td { padding: 1px 2px; } }
"""
