"""Strings of the walkthrough's graph section: key: (English, 简体中文); and its CSS."""

S = {
    "lec.graph.intro": (
        "**Attention is communication.** Read one head's `wei` (T, T) as a directed graph: the nodes are the "
        "characters of a short prompt at positions 0 … T-1, and an edge j → i carries `wei[i, j]`, how much "
        "position i listens to position j (line width and opacity). Each node takes a weighted sum of the values "
        "`v` of the nodes pointing at it, with data-dependent weights: the incoming weights of a node sum to 1. "
        "The `wei` comes from the model picked at the top.\n\n"
        "- **The nodes have no notion of space.** Attention acts on a set of vectors; nothing in `q @ k.T` knows "
        "where a node sits. That is why the GPT adds `position_embedding_table(torch.arange(T))` to the token "
        "embeddings.\n"
        "- **Batch elements never talk to each other.** `wei` is (B, T, T): each of the B sequences is its own "
        "graph, and no edge joins two of them.\n"
        "- **Decoder or encoder is one line.** The decoder masks the future with "
        "`wei = wei.masked_fill(tril[:T, :T] == 0, float('-inf'))`; delete that line and every node hears every "
        "other: an encoder (as in sentiment analysis), drawn beside the decoder.",
        "**注意力就是通信。** 把某个注意力头的 `wei` (T, T) 看成一张有向图:节点是一小段提示文本在位置 0 … T-1 上的字符,"
        "边 j → i 携带 `wei[i, j]`,即位置 i 有多“听”位置 j(线宽和不透明度)。每个节点对指向它的节点的值 `v` 做加权求和,"
        "权重取决于数据本身:一个节点所有入边的权重之和为 1。`wei` 来自页面顶部选中的模型。\n\n"
        "- **节点没有空间的概念。** 注意力作用在一组向量上;`q @ k.T` 里没有任何东西知道节点在哪个位置。"
        "所以 GPT 要把 `position_embedding_table(torch.arange(T))`(位置嵌入)加到词嵌入上。\n"
        "- **批次中的样本之间从不通信。** `wei` 的形状是 (B, T, T):B 个序列各自是一张图,没有任何边连接两个样本。\n"
        "- **解码器还是编码器,只差一行。** 解码器用 `wei = wei.masked_fill(tril[:T, :T] == 0, float('-inf'))` "
        "掩码遮住未来;删掉这一行,每个节点都能听到所有其他节点:这就是编码器(例如情感分析),画在解码器旁边。"),
    "lec.graph.prompt": ("Prompt: the nodes", "提示文本:图的节点"),
    "lec.graph.prompt.info": ("up to 16 characters are drawn, one node each", "最多画 16 个字符,每个字符一个节点"),
    "lec.graph.run": ("Draw", "绘制"),
    "lec.graph.drop": ("Remove unknown characters", "删除未知字符"),
    "lec.graph.layer": ("Layer", "层"),
    "lec.graph.head": ("Head", "注意力头"),
    "lec.graph.top_k": ("Edges per node (top-k)", "每个节点的边数(top-k)"),
    "lec.graph.top_k.info": ("each node keeps its strongest incoming edges; 0: all", "每个节点只保留最强的几条入边;0 表示全部"),
    "lec.graph.threshold": ("Hide edges below", "隐藏小于此值的边"),
    "lec.graph.threshold.info": ("wei[i, j] under this is not drawn", "wei[i, j] 小于此值的边不画"),
    "lec.graph.how": (
        "Arcs above the line come from the past (j < i, blue): they end at the later node. Arcs below come from "
        "the future (j > i, orange): only the encoder has them. A loop on a node is its edge to itself (j = i). "
        "Hover the top of an arc, or a node, for its weight.",
        "线上方的弧来自过去(j < i,蓝色),箭头指向较后的节点;线下方的弧来自未来(j > i,橙色),只有编码器才有。"
        "节点上的小圈是它指向自己的边(j = i)。鼠标悬停在弧的顶端或节点上可查看权重。"),
    "lec.graph.encoder_note": (
        "The encoder graph runs the same weights with the mask deleted in every layer (`trace(idx, causal=False)`). "
        "This model was trained as a decoder, so what it does with the future is untrained; what matters here is "
        "the shape of the graph.",
        "编码器这张图用的是同一组权重,只是每一层都删掉了掩码(`trace(idx, causal=False)`)。"
        "这个模型是按解码器训练的,它如何利用未来并没有经过训练;这里要看的是图的形状。"),
    "lec.graph.decoder_title": ("Decoder: tril mask · L{layer} H{head}", "解码器:tril 掩码 · L{layer} H{head}"),
    "lec.graph.encoder_title": ("Encoder: no mask · L{layer} H{head}", "编码器:无掩码 · L{layer} H{head}"),
    "lec.graph.subtitle": ("{n} of {total} edges drawn", "画出 {total} 条边中的 {n} 条"),
    "lec.graph.no_future": ("no edges from the future:<br>tril masks them", "没有来自未来的边:<br>被 tril 掩码遮住"),
    "lec.graph.edge_hover": ("{i} {ci} listens to {j} {cj}<br>wei[{i}, {j}] = {w}",
                             "{i} {ci} 听 {j} {cj}<br>wei[{i}, {j}] = {w}"),
    "lec.graph.node_hover": ("node {i} {c}<br>strongest source: {j} {cj} ({w})",
                             "节点 {i} {c}<br>最强的来源:{j} {cj}({w})"),
    "lec.graph.cropped": ("Only the first {n} characters are drawn ({dropped} more were left out) so the graph "
                          "stays readable.", "为了让图保持清晰,只画前 {n} 个字符(另有 {dropped} 个未画)。"),
    "lec.graph.empty": ("Type at least one character in the prompt: each character is a node.",
                        "请在提示文本中至少输入一个字符:每个字符是一个节点。"),
    "lec.graph.empty_kv": ("Type at least one character in the second text: it gives the keys and values.",
                           "请在第二段文字中至少输入一个字符:它提供键和值。"),
    "lec.graph.unknown": ("The model's vocabulary has no {chars} (in the prompt). Remove them, or pick a model "
                          "trained on them.", "模型的词表里没有 {chars}(在提示文本中)。请删除它们,或选择用这些字符训练的模型。"),
    "lec.graph.unknown_kv": ("The model's vocabulary has no {chars} (in the second text). Remove them, or pick a "
                             "model trained on them.",
                             "模型的词表里没有 {chars}(在第二段文字中)。请删除它们,或选择用这些字符训练的模型。"),
    "lec.graph.cropped_kv": ("Only the first {n} characters of the second text are used ({dropped} more were left "
                             "out).", "第二段文字只使用前 {n} 个字符(另有 {dropped} 个未用)。"),
    "lec.graph.no_attention": ("The bigram has no attention, so there is no graph: pick a GPT at the top.",
                               "Bigram 模型没有注意力,因此没有图:请在页面顶部选择一个 GPT。"),
    "lec.graph.cross_heading": ("### Self-attention and cross-attention", "### 自注意力与交叉注意力"),
    "lec.graph.cross_intro": (
        "In **self-attention** the queries, keys and values all come from the same `x`. In **cross-attention** the "
        "queries come from `x` (here: the prompt above, as a decoder's characters) while the keys and values come "
        "from another source (in an encoder–decoder Transformer, the encoder's output; here: the second text). "
        "Both use the picked model's own first-layer head (its `Wq`, `Wk`, `Wv` applied to each text's token + "
        "position embeddings), so the numbers are real rather than random. Cross-attention has no mask: every "
        "query may read every key, and `wei` is (T_q, T_kv), not square.",
        "在**自注意力**中,查询、键和值都来自同一个 `x`。在**交叉注意力**中,查询来自 `x`(这里是上面的提示文本,"
        "相当于解码器的字符),而键和值来自另一个来源(在编码器-解码器 Transformer 中是编码器的输出;这里是第二段文字)。"
        "两者都使用所选模型第一层的同一个注意力头(它的 `Wq`、`Wk`、`Wv` 作用在各段文字的词嵌入加位置嵌入上),"
        "所以数值是真实的,而不是随机的。交叉注意力没有掩码:每个查询都能读所有的键,`wei` 的形状是 (T_q, T_kv),不是方阵。"),
    "lec.graph.kv": ("Second text: the keys and values", "第二段文字:提供键和值"),
    "lec.graph.kv.info": ("up to 16 characters are used", "最多使用 16 个字符"),
    "lec.graph.shapes": ("head H{head} of layer 1, hs = {hs}\n"
                         "q: (T_q, hs) = ({tq}, {hs})\n"
                         "k: (T_kv, hs) = ({tkv}, {hs})\n"
                         "v: (T_kv, hs) = ({tkv}, {hs})\n"
                         "wei = softmax(q @ k.T * hs**-0.5)\n"
                         "  : (T_q, T_kv) = ({tq}, {tkv})\n"
                         "out = wei @ v: (T_q, hs) = ({tq}, {hs})",
                         "第 1 层的注意力头 H{head},hs = {hs}\n"
                         "q:(T_q, hs) = ({tq}, {hs})\n"
                         "k:(T_kv, hs) = ({tkv}, {hs})\n"
                         "v:(T_kv, hs) = ({tkv}, {hs})\n"
                         "wei = softmax(q @ k.T * hs**-0.5)\n"
                         "  :(T_q, T_kv) = ({tq}, {tkv})\n"
                         "out = wei @ v:(T_q, hs) = ({tq}, {hs})"),
    "lec.graph.self_title": ("Self-attention (masked)<br>wei: (T, T) = ({t}, {t})",
                             "自注意力(有掩码)<br>wei:(T, T) = ({t}, {t})"),
    "lec.graph.cross_title": ("Cross-attention (no mask)<br>wei: (T_q, T_kv) = ({tq}, {tkv})",
                              "交叉注意力(无掩码)<br>wei:(T_q, T_kv) = ({tq}, {tkv})"),
    "lec.graph.queries": ("queries i: the prompt", "查询 i:提示文本"),
    "lec.graph.keys_self": ("keys j: the prompt", "键 j:提示文本"),
    "lec.graph.keys_cross": ("keys j: the second text", "键 j:第二段文字"),
    "lec.graph.cell": ("query {i} {ci} → key {j} {cj}", "查询 {i} {ci} → 键 {j} {cj}"),
    "lec.graph.masked": ("masked (-inf → 0)", "已掩码(-inf → 0)"),
}

CSS = """
#lec-graph-plots > div, #lec-graph-heat > div { min-width: min(340px, 100%); }
#lec-graph-shapes { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
                    white-space: pre-wrap; line-height: 1.5; padding: 6px 10px; border-radius: 8px;
                    border: 1px solid var(--border-color-primary); }
"""
