"""Strings of the Layers tab (issue 13), key: (English, 简体中文), and its CSS; merged into
explorer/i18n.py, which checks that no key is defined twice."""

S = {
    "tab.layers": ("Layers", "逐层"),
    "layers.intro": ("What the model knows after each block, which characters it finds hard, and what its "
                     "embedding tables learned. Each view reads the picked model (at the step the slider above "
                     "shows, for a model with a timeline) and shows the `model/` code behind it.",
                     "看模型在每个 Block 之后“知道”什么、哪些字符让它感到意外,以及嵌入表学到了什么。"
                     "每个视图读取所选模型(有时间线的模型按上方滑块所选的步数),并附上背后的 `model/` 代码。"),
    "layers.lens": ("Logit lens", "Logit 透镜"),
    "layers.surprise": ("Surprise", "逐字符损失"),  # short: the three sub-tabs fit a phone
    "layers.embeddings": ("Embeddings", "嵌入"),
    "layers.code": ("The code behind this view", "这个视图背后的代码"),
    "layers.no_layers": ("The bigram has no layers: its (V, V) table maps each character straight to the next one's "
                         "logits, with no residual stream, no ln_f and no lm_head to read early. Pick a GPT (gpt-small, "
                         "or a ladder rung); surprise and embeddings work with the bigram too.",
                         "Bigram 模型没有层:它的 (V, V) 查找表把每个字符直接映射为下一个字符的 logits,"
                         "没有残差流,也没有可以提前读出的 ln_f 和 lm_head。请选择 GPT(gpt-small 或阶梯中的一级);"
                         "逐字符损失和嵌入两个视图也适用于 Bigram。"),
    "layers.too_short": ("Give a text of at least 2 characters: the first has no context, so characters are scored "
                         "from the second on.",
                         "请给出至少 2 个字符的文本:第一个字符没有上下文,从第二个字符起才计算损失。"),
    "layers.no_corpus": ("tiny-shakespeare is not on this server ({why}), so there is no validation split to take a "
                         "passage from. Paste any text instead. {how}",
                         "服务器上没有 tiny-shakespeare({why}),无法从验证集取段落。请直接粘贴一段文本。{how}"),
    "layers.corpus_downloading": ("Downloading tiny-shakespeare (1.1 MB)… press the button again in a moment, or "
                                  "paste any text.",
                                  "正在下载 tiny-shakespeare(1.1 MB)……请稍后再点一次按钮,或直接粘贴一段文本。"),
    # logit lens
    "lens.run": ("Read every layer", "逐层读出"),
    "lens.intro": ("The residual stream `x` (B, T, C) is read after the embeddings (`tok_emb + pos_emb`) and after "
                   "every block as the model reads its last one: `logits = lm_head(ln_f(x))`. A row is one position "
                   "of `idx`, labelled with its character and the prompt's next one; a column is a layer. Each cell "
                   "shows the most likely next character and its probability; its colour is the probability of the "
                   "*actual* next character (dark: the layer already knows it). The last position has no next "
                   "character in the prompt: grey. Hover for the top 5.",
                   "在嵌入(`tok_emb + pos_emb`)之后以及每个 Block 之后读取残差流 `x` (B, T, C),"
                   "读法与模型读最后一层相同:`logits = lm_head(ln_f(x))`。每一行是 `idx` 中的一个位置,"
                   "标出它的字符和提示文本中的下一个字符;每一列是一层。格子里是最可能的下一个字符及其概率;"
                   "颜色表示*实际*下一个字符的概率(越深说明这一层已经猜到了)。最后一个位置在提示文本中没有"
                   "下一个字符,显示为灰色。鼠标悬停可看前 5 个候选。"),
    "lens.emb": ("emb", "嵌入"),
    "lens.block": ("block {n}", "Block {n}"),
    "lens.grid_title": ("Top-1 next character and p<br>colour: p(actual next), white 0 → dark blue 1",
                        "最可能的下一个字符及概率<br>颜色:p(实际下一个字符),白 0 → 深蓝 1"),
    "lens.hover": ("{layer} · position {pos} {char} → next {next}<br>p(next) = {p}<br>top 5: {top}",
                   "{layer} · 位置 {pos} {char} → 下一个 {next}<br>p(下一个) = {p}<br>前 5 个:{top}"),
    "lens.no_next": ("none (the prompt ends here)", "无(提示文本到此结束)"),
    "lens.loss_title": ("Mean loss on the prompt per layer (nats)", "各层在提示文本上的平均损失(nats)"),
    "lens.uniform": ("uniform: ln {V} = {value}", "均匀猜测:ln {V} = {value}"),
    "lens.falls": ("The mean loss falls layer by layer: {path} nats.", "平均损失逐层下降:{path} nats。"),
    "lens.rises": ("The mean loss does not fall at every layer: it rises at {where} ({path} nats). Reading a middle "
                   "layer with the last layer's ln_f and lm_head is only an approximation: a block may write what "
                   "only the blocks after it read.",
                   "平均损失并非每层都下降:在 {where} 处上升({path} nats)。用最后一层的 ln_f 和 lm_head "
                   "去读中间层只是近似:某个 Block 写入的信息可能只有后面的 Block 才读得懂。"),
    "lens.one_char": ("A prompt of one character has no next character to score: colours and losses need two or more.",
                      "只有一个字符的提示文本没有“下一个字符”可评分:颜色和损失至少需要两个字符。"),
    "lens.zero_layers": ("This model has no blocks (n_layer 0, the ladder's first rung): the embeddings row is its "
                         "whole prediction.",
                         "这个模型没有 Block(n_layer 为 0,阶梯的第一级):嵌入这一行就是它的全部预测。"),
    "lens.no_residual": ("Without residual connections x is each block's output, not a stream the blocks add to.",
                         "没有残差连接时,x 就是每个 Block 的输出,而不是各 Block 不断累加的残差流。"),
    # surprise
    "surp.intro": ("Each character is coloured by the model's loss on it, `-log p(char | context)` in nats, the "
                   "context being the `block_size` characters before it, as in training. Their mean is the model's "
                   "loss (`F.cross_entropy`) on this text. Hover for p and the top 5. Pick a second model to "
                   "colour each character by the difference in loss instead: where attention helps shows in blue.",
                   "每个字符的颜色表示模型在它上面的损失 `-log p(字符 | 上下文)`(单位 nats),上下文是它前面的 "
                   "`block_size` 个字符,与训练时相同。所有字符的平均值就是模型在这段文本上的损失(`F.cross_entropy`)。"
                   "鼠标悬停可看概率和前 5 个候选。选择第二个模型,颜色就改为两者损失之差:蓝色处就是注意力帮上忙的地方。"),
    "surp.text": ("Text", "文本"),
    "surp.text.info": ("only the models' characters; the first 2,000 are scored",
                       "只能用模型词表里的字符;只计算前 2,000 个"),
    "surp.run": ("Score every character", "计算每个字符的损失"),
    "surp.passage": ("A passage from the validation split", "从验证集取一段"),
    "surp.compare": ("Compare with", "对比模型"),
    "surp.compare.info": ("colour by the difference in loss", "按两个模型的损失之差着色"),
    "surp.none": ("(no comparison)", "(不对比)"),
    "surp.summary": ("{model}: mean -log p = {loss} nats over {n} characters: its loss on this text.",
                     "{model}:{n} 个字符上 -log p 的平均值为 {loss} nats,即它在这段文本上的损失。"),
    "surp.summary_compare": ("{other}: {loss} nats. {model} is less surprised at {better} of the {n} characters "
                             "(blue), more at {worse} (red).",
                             "{other}:{loss} nats。{model} 在 {n} 个字符中有 {better} 个损失更低(蓝色),"
                             "{worse} 个更高(红色)。"),
    "surp.context": ("{model}: every character is scored with the {block_size} characters before it (fewer at the "
                     "start), as generate() would see them.",
                     "{model}:每个字符都用它前面的 {block_size} 个字符作上下文(开头处更少),与 generate() 看到的一样。"),
    "surp.strided": ("{model}: to stay fast, the windows of block_size {block_size} move by {stride}: each character "
                     "after the first window sees at least {min_context} characters before it.",
                     "{model}:为了计算更快,长度为 block_size {block_size} 的窗口每次移动 {stride} 个字符:"
                     "第一个窗口之后的每个字符至少能看到前面 {min_context} 个字符。"),
    "surp.cut": ("Only the first {limit} characters are scored ({n} more were left out).",
                 "只计算前 {limit} 个字符(其余 {n} 个未计算)。"),
    "surp.hover": ("{char}: -log p = {loss} nats (p = {p}); top: {alts}", "{char}:-log p = {loss} nats(p = {p});候选:{alts}"),
    "surp.hover_compare": ("{char}: {model} {a}, {other} {b} nats; difference {d}",
                           "{char}:{model} {a},{other} {b} nats;差值 {d}"),
    "surp.first": ("the first character has no context: not scored", "第一个字符没有上下文:不计算"),
    "surp.legend": ("background: -log p in nats, white 0 → red {hi} or more", "背景色:-log p(nats),白色 0 → 红色 {hi} 及以上"),
    "surp.legend_compare": ("background: loss of {model} − loss of {other}: blue where {model} does better, red where "
                            "worse (±{hi} nats)",
                            "背景色:{model} 的损失 − {other} 的损失:蓝色表示 {model} 更好,红色表示更差(±{hi} nats)"),
    # embeddings
    "emb.run": ("Show the embeddings", "显示嵌入"),
    "emb.intro": ("The scatter: every row of `token_embedding_table` (V, C), one per character, projected onto its two "
                  "principal axes (PCA by an SVD of the centred table); characters used alike end up close. The heatmap: "
                  "`position_embedding_table` (block_size, C) as the cosine similarity of every pair of positions.",
                  "散点图:`token_embedding_table` (V, C) 的每一行(每个字符一行)投影到它的两个主轴上"
                  "(对中心化后的表做 SVD 得到的 PCA);用法相近的字符会靠在一起。热力图:`position_embedding_table` "
                  "(block_size, C) 中每两个位置之间的余弦相似度。"),
    "emb.title": ("token_embedding_table ({V}, {C}) by PCA", "token_embedding_table ({V}, {C}) 的 PCA"),
    "emb.title_bigram": ("the bigram's table ({V}, {V}): rows by PCA", "Bigram 的查找表 ({V}, {V}):各行的 PCA"),
    "emb.axis": ("PC{n}: {pct} of the variance", "主成分 {n}:占方差的 {pct}"),
    "emb.kind.vowel": ("vowel", "元音字母"),
    "emb.kind.consonant": ("consonant", "辅音字母"),
    "emb.kind.capital": ("capital", "大写字母"),
    "emb.kind.punctuation": ("punctuation, digit", "标点与数字"),
    "emb.kind.space": ("space, newline", "空格与换行"),
    "emb.pos_title": ("position_embedding_table ({T}, C):<br>cos(position i, position j)",
                      "position_embedding_table ({T}, C):<br>cos(位置 i, 位置 j)"),
    "emb.explained": ("The two axes hold {pct} of the variance of the {V} rows; the other {rest} directions hold the "
                      "rest.",
                      "这两个轴占 {V} 行总方差的 {pct};其余方差在另外 {rest} 个方向上。"),
    "emb.neighbours": ("Positions next to each other: mean cosine {near}; {far} or more apart: {farval}.",
                       "相邻位置的平均余弦相似度为 {near};相距 {far} 及以上的为 {farval}。"),
    "emb.no_positions": ("The bigram has no position embeddings: its table reads only the current character, so "
                         "where that character stands never matters. Its rows are the logits of the next character, "
                         "so characters followed by the same ones end up close.",
                         "Bigram 没有位置嵌入:它的查找表只看当前字符,字符处在哪个位置无关紧要。"
                         "表的每一行就是下一个字符的 logits,所以后面常跟相同字符的字符会靠在一起。"),
}

CSS = """
#surp-text-view .tok { border-radius: 2px; }
#lens-grid, #emb-positions { overflow-x: auto; }
"""
