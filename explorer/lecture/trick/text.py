"""Strings of the walkthrough's trick section: key: (English, 简体中文); and its CSS."""

S = {
    "lec.trick.intro": (
        "**The mathematical trick in self-attention.** Token `t` may talk to the tokens before it, never to those "
        "after it. The simplest way: let it take the **average** of `x[b, :t+1]` (a \"bag of words\", `xbow`). "
        "The lecture writes that average four ways. Versions 1–3 give the same `xbow`; version 4, "
        "**self-attention**, keeps the same shape of computation but lets the data choose the weights `wei`. "
        "Each heatmap is a `wei`: row = the token that gathers (`t`), column = the token it reads from; "
        "every row sums to 1 and everything above the diagonal (the future) is 0.",
        "**自注意力背后的数学技巧。** 第 `t` 个 token 只能和它之前的 token 通信,不能看后面的。"
        "最简单的做法:对 `x[b, :t+1]` 取**平均**(“词袋”,`xbow`)。课程用四种写法实现这个平均:"
        "第 1–3 种得到完全相同的 `xbow`;第 4 种即**自注意力**,计算形式不变,但权重 `wei` 由数据决定。"
        "每张热力图都是一个 `wei`:行是收集信息的 token(`t`),列是被读取的 token;"
        "每行之和为 1,对角线以上(未来)全为 0。"),
    "lec.trick.B": ("B (batch)", "B(批大小)"),
    "lec.trick.T": ("T (time)", "T(序列长度)"),
    "lec.trick.T.info": ("at most 16, so the heatmaps stay readable", "最多 16,热力图才看得清"),
    "lec.trick.C": ("C (channels)", "C(通道数)"),
    "lec.trick.head_size": ("head_size (version 4)", "head_size(第 4 种)"),
    "lec.trick.seed": ("seed (torch.manual_seed)", "随机种子(torch.manual_seed)"),
    "lec.trick.seed.info": ("1337 with the scale off (as the notebook had it) gives the lecture's numbers",
                            "1337 且不缩放(与课程笔记本一致)时,得到与课程相同的数字"),
    "lec.trick.b": ("b: batch element shown for version 4", "b:第 4 种显示的批内样本"),
    "lec.trick.b.info": ("versions 1–3 use the same wei for every b", "第 1–3 种对每个 b 用同一个 wei"),
    "lec.trick.scale": ("scale wei by head_size**-0.5", "wei 乘以 head_size**-0.5"),
    "lec.trick.scale.info": ("as in the final gpt.py; the notebook at this point had no scale (see section 5)",
                             "与最终的 gpt.py 相同;课程笔记本此处尚未缩放(见第 5 节)"),
    "lec.trick.v1": (
        "**Version 1 — a for loop.** Slow but obvious:\n```python\nxbow = torch.zeros((B, T, C))\n"
        "for b in range(B):\n    for t in range(T):\n        xprev = x[b, :t+1]  # (t+1, C)\n"
        "        xbow[b, t] = torch.mean(xprev, 0)\n```\nThe loop has no `wei`, but it is linear: fed the identity "
        "matrix, it returns its weights (drawn here).",
        "**第 1 种:for 循环。** 慢,但一目了然:\n```python\nxbow = torch.zeros((B, T, C))\n"
        "for b in range(B):\n    for t in range(T):\n        xprev = x[b, :t+1]  # (t+1, C)\n"
        "        xbow[b, t] = torch.mean(xprev, 0)\n```\n循环里没有 `wei`,但它是线性的:"
        "把单位矩阵喂给它,得到的就是它的权重(即下图)。"),
    "lec.trick.v2": (
        "**Version 2 — a matrix multiply.** A lower-triangular `wei` whose rows sum to 1:\n```python\n"
        "wei = torch.tril(torch.ones(T, T))\nwei = wei / wei.sum(1, keepdim=True)\n"
        "xbow2 = wei @ x  # (T, T) @ (B, T, C) ---> (B, T, C)\n```",
        "**第 2 种:矩阵乘法。** 用一个每行和为 1 的下三角矩阵 `wei`:\n```python\n"
        "wei = torch.tril(torch.ones(T, T))\nwei = wei / wei.sum(1, keepdim=True)\n"
        "xbow2 = wei @ x  # (T, T) @ (B, T, C) ---> (B, T, C)\n```"),
    "lec.trick.v3": (
        "**Version 3 — softmax.** Zeros, the future masked to `-inf`, then softmax along each row:\n```python\n"
        "tril = torch.tril(torch.ones(T, T))\nwei = torch.zeros((T, T))\n"
        "wei = wei.masked_fill(tril == 0, float('-inf'))\nwei = F.softmax(wei, dim=-1)\nxbow3 = wei @ x\n```\n"
        "The zeros are affinities: in version 4 they come from the data.",
        "**第 3 种:softmax。** 全 0 矩阵,把未来位置掩码成 `-inf`,再对每行做 softmax:\n```python\n"
        "tril = torch.tril(torch.ones(T, T))\nwei = torch.zeros((T, T))\n"
        "wei = wei.masked_fill(tril == 0, float('-inf'))\nwei = F.softmax(wei, dim=-1)\nxbow3 = wei @ x\n```\n"
        "这些 0 就是“亲和度”:在第 4 种里它们由数据算出。"),
    "lec.trick.v4": (
        "**Version 4 — self-attention.** Each token emits a query (what am I looking for?) and a key (what do I "
        "contain?); `wei` is their dot product, masked and softmaxed, so it now differs per batch element:\n"
        "```python\nkey = nn.Linear(C, head_size, bias=False)\nquery = nn.Linear(C, head_size, bias=False)\n"
        "value = nn.Linear(C, head_size, bias=False)\nk, q = key(x), query(x)  # (B, T, head_size)\n"
        "wei = q @ k.transpose(-2, -1) * head_size**-0.5  # (B, T, T)\n"
        "wei = wei.masked_fill(tril == 0, float('-inf'))\nwei = F.softmax(wei, dim=-1)\n"
        "out = wei @ value(x)  # (B, T, head_size)\n```\nThe `* head_size**-0.5` is in the final code, not yet in "
        "the lecture's notebook here; the checkbox below drops it.",
        "**第 4 种:自注意力。** 每个 token 发出一个查询 query(我在找什么?)和一个键 key(我包含什么?);"
        "`wei` 是两者的点积,再经掩码和 softmax,所以每个批内样本的 `wei` 都不同:\n"
        "```python\nkey = nn.Linear(C, head_size, bias=False)\nquery = nn.Linear(C, head_size, bias=False)\n"
        "value = nn.Linear(C, head_size, bias=False)\nk, q = key(x), query(x)  # (B, T, head_size)\n"
        "wei = q @ k.transpose(-2, -1) * head_size**-0.5  # (B, T, T)\n"
        "wei = wei.masked_fill(tril == 0, float('-inf'))\nwei = F.softmax(wei, dim=-1)\n"
        "out = wei @ value(x)  # (B, T, head_size)\n```\n`* head_size**-0.5` 出自最终代码,课程笔记本此处还没有;"
        "下面的复选框可以去掉它。"),
    "lec.trick.fig.v1": ("Version 1: the loop's weights (loop applied to the identity)", "第 1 种:循环的权重(对单位矩阵运行循环)"),
    "lec.trick.fig.v2": ("Version 2: wei = tril / row sums", "第 2 种:wei = tril / 行和"),
    "lec.trick.fig.v3": ("Version 3: wei = softmax(masked zeros)", "第 3 种:wei = softmax(掩码后的 0)"),
    "lec.trick.fig.v4": ("Version 4: wei[{b}] (self-attention, {scale})", "第 4 种:wei[{b}](自注意力,{scale})"),
    "lec.trick.scaled": ("scaled", "已缩放"),
    "lec.trick.unscaled": ("unscaled", "未缩放"),
    "lec.trick.axis.key": ("reads from token s", "被读取的 token s"),
    "lec.trick.axis.query": ("token t (gathers)", "收集信息的 token t"),
    "lec.trick.hover": ("t = {t} reads s = {s}: {w}", "t = {t} 读取 s = {s}:{w}"),
    "lec.trick.hover_masked": ("t = {t}, s = {s}: the future (-inf before softmax), 0",
                               "t = {t},s = {s}:未来(softmax 前为 -inf),0"),
    "lec.trick.checks": ("Live checks on this x (shape {shape})", "对当前 x 的实时检查(形状 {shape})"),
    "lec.trick.maxdiff": ("max abs difference {d}", "最大绝对差 {d}"),
    "lec.trick.rounding": ("float32 rounding (the sums run in another order): with atol=1e-6 it is {ok}",
                           "float32 舍入误差(求和顺序不同):atol=1e-6 时为 {ok}"),
    "lec.trick.rows_sum": ("version 4: every row of wei sums to 1", "第 4 种:wei 的每一行和为 1"),
    "lec.trick.causal": ("version 4: wei is 0 above the diagonal (causal)", "第 4 种:wei 对角线以上为 0(因果)"),
    "lec.trick.differs": ("Version 4: out = wei @ v has shape {shape}; its weights depend on x, so wei differs "
                          "between batch elements (max |wei[b] - wei[0]| = {d}), while versions 1-3 use one wei.",
                          "第 4 种:out = wei @ v 的形状为 {shape};权重取决于 x,所以不同批内样本的 wei 不同"
                          "(max |wei[b] - wei[0]| = {d}),而第 1-3 种只用一个 wei。"),
    "lec.trick.block_title": ("**Reading `wei @ x` as block matrices.** Row `t` of the product is a weighted sum "
                              "of all the rows of the right-hand matrix, the weights being row `t` of the left one. "
                              "The lecture's toy example: `a` = `tril` normalised, `b` = random integers 0..9 "
                              "(`torch.randint(0, 10, (T, 2))`, same seed and T as above), `c = a @ b`. "
                              "(`b` here is the lecture's matrix name, not the batch index.)",
                              "**用分块矩阵理解 `wei @ x`。** 乘积的第 `t` 行,是右边矩阵所有行的加权求和,"
                              "权重就是左边矩阵的第 `t` 行。课程里的小例子:`a` 为归一化的 `tril`,"
                              "`b` 为 0..9 的随机整数(`torch.randint(0, 10, (T, 2))`,种子和 T 同上),`c = a @ b`。"
                              "(这里的 `b` 是课程里的矩阵名,不是批下标。)"),
    "lec.trick.row": ("row t of c = a @ b", "c = a @ b 的第 t 行"),
    "lec.trick.block_caption": ("Row {t} of a (yellow) weights the rows of b; their weighted sum is row {t} of c.",
                                "a 的第 {t} 行(黄色)给 b 的各行加权;加权求和就是 c 的第 {t} 行。"),
    "lec.trick.sum": ("sum", "求和"),
    "lec.trick.from_matmul": ("c[{t}] from a @ b", "由 a @ b 得到的 c[{t}]"),
    "lec.trick.equal": ("equal: {ok}", "相等:{ok}"),
    "lec.trick.mean_note": ("With these weights c[{t}] is simply the mean of b[0..{t}].",
                            "在这组权重下,c[{t}] 就是 b[0..{t}] 的平均值。"),
}

CSS = """
#lec-trick-check table, #lec-trick-block table { border-collapse: collapse; font-size: 14px; }
#lec-trick-check td, #lec-trick-block td, #lec-trick-block th { padding: 3px 8px;
  border-bottom: 1px solid var(--border-color-primary); }
#lec-trick-check code { overflow-wrap: anywhere; }
#lec-trick-block td { white-space: nowrap; }
#lec-trick-block th { font-weight: 600; text-align: left; }
@media (max-width: 640px) { #lec-trick-block table, #lec-trick-check table { font-size: 12px; } }
.lec-mats { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 6px 0; }
.lec-mat td { padding: 1px 5px !important; border: none !important; text-align: right; }
.lec-mat { border-left: 2px solid var(--body-text-color); border-right: 2px solid var(--body-text-color); }
.lec-hot { background: rgba(255, 200, 0, 0.45); }
.lec-wrap { overflow-x: auto; max-width: 100%; }
"""
