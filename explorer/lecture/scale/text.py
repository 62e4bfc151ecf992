"""Strings of the walkthrough's scale section: key: (English, 简体中文); and its CSS."""

S = {
    "lec.scale.intro": (
        "**Why divide by √head_size (\"scaled\" attention).** Draw `k` and `q` of shape `(B, T, head_size)` with "
        "unit variance (`torch.randn`). Each entry of `wei = q @ k.transpose(-2, -1)` is a sum of `head_size` "
        "products of unit variance, so its **variance is about `head_size`**. Multiplying by `head_size**-0.5` "
        "brings it back to about 1. Move `head_size` and watch the variance and the softmax below.",
        "**为什么要除以 √head_size(“缩放”注意力)。** 生成形状为 `(B, T, head_size)`、方差为 1 的 `k` 和 `q`"
        "(`torch.randn`)。`wei = q @ k.transpose(-2, -1)` 的每个元素都是 `head_size` 个方差为 1 的乘积之和,"
        "所以它的**方差约等于 `head_size`**。乘以 `head_size**-0.5` 后方差回到 1 左右。"
        "拖动 `head_size`,看下方的方差和 softmax 如何变化。"),
    "lec.scale.head_size": ("head_size (channels of q and k)", "head_size(q 和 k 的通道数)"),
    "lec.scale.head_size.info": ("the lecture uses 16; a GPT head is often 64 or 128",
                                 "课程用 16;GPT 的一个头常为 64 或 128"),
    "lec.scale.B": ("B (batch)", "B(批大小)"),
    "lec.scale.T": ("T (time)", "T(序列长度)"),
    "lec.scale.samples.info": ("B·T·T entries of wei are measured", "统计 wei 的 B·T·T 个元素"),
    "lec.scale.seed": ("seed (torch.manual_seed)", "随机种子(torch.manual_seed)"),
    "lec.scale.var_k": ("k.var() (≈ 1)", "k.var()(≈ 1)"),
    "lec.scale.var_q": ("q.var() (≈ 1)", "q.var()(≈ 1)"),
    "lec.scale.var_raw": ("wei.var() without the scale (≈ head_size = {hs})", "不缩放的 wei.var()(≈ head_size = {hs})"),
    "lec.scale.var_scaled": ("wei.var() with the scale (≈ 1)", "缩放后的 wei.var()(≈ 1)"),
    "lec.scale.max_raw": ("softmax row max, unscaled (mean over all rows)", "不缩放时 softmax 每行最大值(全部行平均)"),
    "lec.scale.max_scaled": ("softmax row max, scaled (mean over all rows)", "缩放后 softmax 每行最大值(全部行平均)"),
    "lec.scale.hist_title": ("Entries of wei = q @ k.T ({n} of them)<br>spread ≈ √head_size unless scaled",
                             "wei = q @ k.T 的元素(共 {n} 个)<br>不缩放时宽度约为 √head_size"),
    "lec.scale.raw": ("without scale: var {v}", "不缩放:方差 {v}"),
    "lec.scale.scaled": ("× head_size**-0.5: var {v}", "× head_size**-0.5:方差 {v}"),
    "lec.scale.share": ("share of entries", "元素占比"),
    "lec.scale.value": ("value of q·k", "q·k 的值"),
    "lec.scale.rows_title": ("softmax(wei[0, {t}]): the last token's<br>weights over the {T} keys",
                             "softmax(wei[0, {t}]):<br>最后一个 token 对 {T} 个 key 的权重"),
    "lec.scale.panel_scaled": ("<b>scaled</b><br>max {p}", "<b>缩放</b><br>最大 {p}"),
    "lec.scale.panel_raw": ("<b>unscaled</b><br>max {p}", "<b>不缩放</b><br>最大 {p}"),
    "lec.scale.key": ("key position s", "key 位置 s"),
    "lec.scale.weight": ("weight", "权重"),
    "lec.scale.why": (
        "**Why it matters at initialisation.** `wei` goes into a softmax. Softmax of numbers with a large spread "
        "is almost **one-hot**: the largest entry takes nearly all the weight. Without the scale, a large "
        "`head_size` would make every token listen to just **one** other token from the very first step, "
        "gathering little information and learning slowly (the gradients through a saturated softmax are tiny). "
        "With the scale, the weights start diffuse and training can sharpen them where it helps.",
        "**为什么这在初始化时很重要。** `wei` 会送进 softmax。数值差距很大时,softmax 的输出几乎是 **one-hot**:"
        "最大的那个元素拿走几乎全部权重。如果不缩放,`head_size` 一大,每个 token 从第一步起就只“关注”**一个**"
        "其他 token,收集到的信息很少,学得也慢(饱和的 softmax 梯度极小)。缩放之后,初始权重比较分散,"
        "训练再在需要的地方把它们变尖锐。"),
    "lec.scale.sharpen": ("The lecture's example: softmax({x}) = {p1}; multiply the scores by {f}: {p2}.",
                          "课程中的例子:softmax({x}) = {p1};把分数乘以 {f}:{p2}。"),
}

CSS = """
#lec-scale-stats .stat .k { white-space: normal; }
#lec-scale-sharpen { font-size: 14px; overflow-wrap: anywhere; }
"""
