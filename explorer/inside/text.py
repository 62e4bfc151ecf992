"""Strings of the inside-the-model tabs: Attention, Softmax and Sampling (issue 4), key: (English,
简体中文); merged into explorer/i18n.py, which checks that no key is defined twice."""

S = {
    "tab.attention": ("Attention", "注意力"),
    "tab.softmax": ("Softmax", "Softmax 与温度"),
    "tab.sampling": ("Sampling", "采样"),
    "inside.temperatures": ("Give 1 to 6 temperatures between 0 and 5, e.g. 0.5, 1, 1.5 (got {value}).",
                            "请给出 1 到 6 个介于 0 和 5 之间的温度,例如 0.5, 1, 1.5(收到 {value})。"),
    "inside.top_k": ("top-k", "top-k 截断"),
    "inside.top_k.info": ("keep only the k most likely characters; 0 = off", "只保留概率最高的 k 个字符;0 = 不截断"),
    "inside.top_p": ("top-p", "top-p 截断"),
    "inside.top_p.info": ("keep the most likely characters until their mass reaches p; 1 = off",
                          "按概率从高到低保留字符,直到累计概率达到 p;1 = 不截断"),
    "att.run": ("Show attention", "显示注意力"),
    "att.intro": ("Each small map is one head's `wei`: row = the query character, column = the key character it "
                  "reads from. Follow the lecture's pipeline with the stage buttons: `q @ k.T`, scaled by "
                  "`1/sqrt(hs)`, masked (the future is -inf), softmax. Grey cells are masked. The \"mean over heads\" "
                  "is a summary for reading only: the model never averages its heads, it concatenates their outputs "
                  "`wei @ v` (and projects them, from the residual rung on).",
                  "每张小图是一个注意力头的 `wei`:行是查询(query)字符,列是它读取的键(key)字符。用“阶段”按钮沿课程的流程看:"
                  "`q @ k.T` → 乘以 `1/sqrt(hs)` 缩放 → 掩码(未来位置为 -inf)→ softmax。灰色格子是被掩码遮住的。"
                  "“各头平均”只是方便阅读的汇总:模型从不对各个头取平均,而是把它们的输出 `wei @ v` 拼接起来"
                  "(从残差那一级起还会再做投影)。"),
    "att.stage": ("Stage", "阶段"),
    "att.stage.raw": ("q @ k.T (raw)", "q @ k.T(原始分数)"),
    "att.stage.scaled": ("× 1/sqrt(hs) (scaled)", "× 1/sqrt(hs)(缩放后)"),
    "att.stage.masked": ("masked: wei_masked (-inf above the diagonal)", "掩码后:wei_masked(对角线以上为 -inf)"),
    "att.stage.softmax": ("softmax: wei (rows sum to 1)", "softmax 后:wei(每行和为 1)"),
    "att.no_scale": ("Without the 1/sqrt(hs) scale", "去掉 1/sqrt(hs) 缩放"),
    "att.no_scale.info": ("the scores' variance grows with hs, so softmax saturates towards one-hot rows",
                          "分数的方差随 hs 增大,softmax 会趋向独热(one-hot),每行只盯一个字符"),
    "att.no_mask": ("Without the causal mask", "去掉因果掩码"),
    "att.no_mask.info": ("what an encoder would see: each character also reads the future",
                         "编码器看到的样子:每个字符也能读到后面的字符"),
    "att.on": ("on", "开"),
    "att.off": ("off", "关"),
    "att.summary": ("Over all heads: mean row max {max}, mean row entropy {H} nats (uniform rows: {U} nats). "
                    "Scale {scale}, causal mask {mask}.",
                    "所有注意力头平均:每行最大权重 {max},每行熵 {H} nats(均匀分布为 {U} nats)。缩放:{scale},因果掩码:{mask}。"),
    "att.layer": ("Layer", "层"),
    "att.head": ("Head", "注意力头"),
    "att.query": ("Query position", "查询位置"),
    "att.query.info": ("its row, shown as bars below, holds the coefficients of the weighted sum wei @ v",
                       "下方柱状图显示这一行:加权求和 wei @ v 时这个位置用的系数"),
    "att.mean_heads": ("mean over heads (a summary)", "各头平均(仅作汇总)"),
    "att.this_head": ("this head", "当前头"),
    "att.head_title": ("Layer {layer}, {head}: {stage}", "第 {layer} 层,{head}:{stage}"),
    "att.row_max": ("row max", "行最大值"),
    "att.row_entropy": ("row entropy (nats)", "行熵(nats)"),
    "att.query_title": ("Query {pos} {char}: weights over the keys", "查询 {pos} {char}:对各个键的权重"),
    "att.masked_cell": ("masked (-inf)", "已掩码(-inf)"),
    "att.no_attention": ("The bigram has no attention: each character reads the next one's logits from a table; nor has "
                         "a GPT of 0 layers (the ladder's first rung), which feeds its embeddings straight into lm_head. "
                         "Pick a GPT with layers to see attention; the Softmax and Sampling tabs work with any model.",
                         "Bigram 模型没有注意力:每个字符直接从查找表读出下一个字符的 logits;0 层的 GPT(阶梯的第一级)"
                         "也没有,它把嵌入直接送进 lm_head。请选择有层的 GPT 查看注意力;Softmax 和采样标签页适用于任何模型。"),
    "soft.run": ("Compute logits", "计算 logits"),
    "soft.intro": ("The model's logits for the next character are computed once; each panel divides them by a "
                   "temperature and applies softmax. Low temperature sharpens, high flattens. Above each panel: T, the "
                   "temperature; H, the entropy in nats (the loss's unit: a uniform guess over 65 characters has ln 65 = "
                   "4.17); +n, the characters not drawn and their total probability. "
                   "Grey bars are cut by top-k / top-p.",
                   "模型对下一个字符的 logits 只计算一次;每个面板把它除以一个温度再做 softmax。温度低分布更尖锐,温度高更平坦。"
                   "每个面板上方:温度;熵(单位:nats,与损失相同:对 65 个字符均匀猜测为 ln 65 = 4.17);"
                   "+n 表示没有画出的字符个数及其概率之和。"
                   "灰色柱子是被 top-k / top-p 截掉的。"),
    "soft.temperature": ("Temperature", "温度"),
    "soft.draw_head": ("### Drawing with torch.multinomial\nThe lecture's generate() draws one character: "
                       "`torch.multinomial(probs, num_samples=1)`. Draw several at once from the first panel's "
                       "distribution: with `replacement=True` a character can come back, and the counts approach "
                       "n · p; with `replacement=False` each character comes at most once, so `num_samples` can't "
                       "pass the characters that have p > 0.",
                       "### 用 torch.multinomial 采样\n课程中的 generate() 每次只抽一个字符:"
                       "`torch.multinomial(probs, num_samples=1)`。这里从第一个面板的分布中一次抽多个:"
                       "`replacement=True`(有放回)时同一个字符可以重复出现,次数接近 n · p;"
                       "`replacement=False`(无放回)时每个字符最多出现一次,所以 `num_samples` 不能超过 p > 0 的字符个数。"),
    "soft.num_samples": ("num_samples", "num_samples(抽取个数)"),
    "soft.replacement": ("replacement", "replacement(有放回)"),
    "soft.draw_seed": ("Seed", "随机种子"),
    "soft.draw": ("Draw", "抽取"),
    "soft.draw_said": ("torch.multinomial(probs at T = {T}, num_samples={n}, replacement={replacement}): "
                       "{distinct} different characters.",
                       "torch.multinomial(温度 T = {T} 下的 probs, num_samples={n}, replacement={replacement}):"
                       "共 {distinct} 个不同的字符。"),
    "soft.draw_char": ("character", "字符"),
    "soft.draw_count": ("drawn", "抽到次数"),
    "soft.draw_too_many": ("Without replacement each character is drawn at most once: {n} is more than the {possible} "
                           "characters with p > 0. Tick replacement or ask for fewer.",
                           "无放回时每个字符最多抽一次:{n} 超过了 p > 0 的 {possible} 个字符。请勾选 replacement 或减少个数。"),
    "soft.more": ("More temperatures", "更多温度"),
    "soft.more.info": ("comma-separated, up to 3 more panels", "用逗号分隔,最多再加 3 个面板"),
    "soft.more.ph": ("e.g. 0.1, 3", "例如 0.1, 3"),
    "soft.after": ("Next character after {char}.", "预测 {char} 之后的下一个字符。"),
    "soft.panel_title": ("T = {T}<br>H = {H}", "温度 {T}<br>熵 {H}"),  # short: three panels fit a phone
    "soft.rest": ("+{n}: {p}", "+{n}:{p}"),
    "soft.hover_kept": ("{char}: p = {p} (before the cut {full})", "{char}:概率 {p}(截断前 {full})"),
    "soft.hover_dropped": ("{char}: cut off (was {full})", "{char}:已截掉(原为 {full})"),
    "soft.logits_title": ("Raw logits (before temperature and softmax)", "原始 logits(温度与 softmax 之前)"),
    "samp.run": ("Generate", "生成"),
    "samp.intro": ("Sampled characters stream in as they are drawn (with a KV cache). Each is coloured by the "
                   "probability it had: green likely, red unlikely; hover for the alternatives.",
                   "采样出的字符边生成边显示(使用 KV 缓存)。颜色表示它被抽中时的概率:绿色概率高,红色概率低;"
                   "鼠标悬停可看其他候选。"),
    "samp.length": ("Characters to generate (max_new_tokens)", "生成字符数 max_new_tokens"),
    "samp.stop": ("Stop", "停止"),
    "samp.hover": ("{char}: p = {p}; top: {alts}", "{char}:概率 {p};候选:{alts}"),
    "samp.legend": ("background: probability when sampled (red low → green high)",
                    "背景色:被采样时的概率(红色低 → 绿色高)"),
    "samp.steps": ("Step by step: the lecture's generate() loop", "逐步执行:课程中的 generate() 循环"),
    "samp.steps.intro": ("Each **Next step** crops the context to `block_size`, takes the last position's logits, "
                         "applies temperature / top-k / top-p and softmax, draws `idx_next` with "
                         "`torch.multinomial` and appends it. **Back** undoes a step.",
                         "每次点击**下一步**:把上下文截到 `block_size`,取最后一个位置的 logits,应用温度 / top-k / top-p "
                         "和 softmax,用 `torch.multinomial` 采样出 `idx_next` 并拼接到末尾。**后退**撤销一步。"),
    "samp.next": ("Next step", "下一步"),
    "samp.back": ("Back", "后退"),
    "samp.restart": ("Start over", "重新开始"),
    "samp.no_steps": ("No step yet: press Next step.", "还没有步骤:请点“下一步”。"),
    "samp.step_info": ("Step {n}: the context has {T} characters; sampled {char} with p = {p}.",
                       "第 {n} 步:上下文有 {T} 个字符;采样到 {char},概率 {p}。"),
    "samp.cropped": ("{n} earlier characters fall outside block_size and are not seen.",
                     "前面 {n} 个字符超出 block_size,模型看不到。"),
    "samp.bigram_last": ("The bigram is fed the whole context, as the lecture's generate() feeds every model, but "
                         "its logits come from the last character alone (one row of its table): the greyed ones change "
                         "nothing.",
                         "和课程中的 generate() 一样,Bigram 也会收到整个上下文,但它的 logits 只取决于最后一个字符"
                         "(查找表中的一行):灰色的字符对结果没有任何影响。"),
    "samp.too_many": ("The walkthrough keeps at most {n} steps: press Start over.", "逐步模式最多保留 {n} 步:请点“重新开始”。"),
    "heads.title": ("Heads over time: how attention sharpens while the model trains",
                    "注意力头随训练的变化:模型训练时注意力怎样变得集中"),
    "heads.intro": (
        "For a model with a timeline (it kept its weights at each evaluation), the prompt above goes through every "
        "snapshot. The strip shows the picked layer and head's `wei` step by step: at step 0 each row spreads "
        "evenly over the positions it may see (a smear below the diagonal); later it settles on a few. The chart "
        "shows each head's mean row entropy of `wei` in nats: it falls as the head sharpens, and the heads sharpen "
        "at different times. **Play** walks the header's step slider through the snapshots, and every view follows.",
        "对于带时间线的模型(它在每次评估时都保存了权重),上面的提示文本会依次送进每一个快照。横条显示所选层和头的 `wei` "
        "逐步的样子:第 0 步时每一行都均匀地分散在它能看到的位置上(对角线以下一片模糊);之后会集中到少数几个位置。"
        "折线图显示每个头 `wei` 各行熵的平均值(单位 nats):头越集中,熵越低,而且不同的头在不同的时候变得集中。"
        "**播放**会让页首的训练步数滑块依次走过每个快照,所有视图都会跟着变化。"),
    "heads.run": ("Show heads over time", "显示注意力头的变化"),
    "heads.play": ("▶ Play the steps", "▶ 播放各步"),
    "heads.pause": ("‖ Pause", "‖ 暂停"),
    "heads.final": ("final", "最终"),
    "heads.strip_title": ("Layer {layer}, head {head}: wei at each snapshot (its step above it)",
                          "第 {layer} 层第 {head} 个头:每个快照的 wei(上方是步数)"),
    "heads.entropy_title": ("Layer {layer}: each head's mean row entropy of wei, by step",
                            "第 {layer} 层:每个头 wei 各行熵的平均值随步数的变化"),
    "heads.entropy_axis": ("mean row entropy (nats)", "各行熵的平均值(nats)"),
    "heads.uniform": ("even smear: {H}", "均匀分散:{H}"),
    "heads.sharpest": ("In layer {layer}, head {head} sharpened most: its rows' entropy fell from {start} to {end} nats.",
                       "第 {layer} 层中第 {head} 个头变得最集中:各行的熵从 {start} 降到 {end} nats。"),
    "samp.texts": ("How the text improved", "文字是怎样变好的"),
    "samp.texts.intro": (
        "For a model with a timeline: what it writes at every snapshot (step 0, each evaluation, then its final "
        "weights) from the prompt above with the seed above, 120 characters each. The draws are the same each time, "
        "so only the weights differ: noise first, then letters in the right proportions, then words and names.",
        "对于带时间线的模型:它在每个快照(第 0 步、每次评估、最后是最终权重)用上面的提示文本和随机种子各写 120 个字符。"
        "每次的随机抽样都一样,不同的只有权重:先是乱码,然后字母比例变得正常,再然后出现单词和人名。"),
    "samp.texts.run": ("Write from every snapshot", "让每个快照都写一段"),
}

CSS = """
.draw-counts { border-collapse: collapse; margin-top: 4px; }
.draw-counts td, .draw-counts th { padding: 2px 12px; font-size: 13px; font-variant-numeric: tabular-nums; }
"""
