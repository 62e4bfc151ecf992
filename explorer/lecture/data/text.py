"""Strings of the walkthrough's data section: key: (English, 简体中文); and its CSS."""

S = {
    "lec.data.intro": (
        "The lecture starts from one text file, tiny-shakespeare. A character-level tokenizer gives each "
        "distinct character an id; `encode` turns the whole text into one long row of ids, `data`, which is "
        "cut 90/10 into `train_data` and `val_data`.",
        "课程从一个文本文件 tiny-shakespeare 开始。字符级分词器给每个不同的字符一个编号(id);"
        "`encode` 把整段文本变成一长串 id,即 `data`,再按 90/10 切成 `train_data` 和 `val_data`。"),
    "lec.data.no_corpus": ("tiny-shakespeare is not on this server ({why}), so this section has nothing to show yet. {how}",
                           "服务器上没有 tiny-shakespeare({why}),这一节暂时无法显示。{how}"),
    "lec.data.source": ("Corpus: {name}", "语料:{name}"),
    "lec.data.stat.chars": ("characters · len(text)", "字符数 · len(text)"),
    "lec.data.stat.lines": ("lines", "行数"),
    "lec.data.stat.vocab": ("distinct characters · vocab_size", "不同字符 · vocab_size"),
    "lec.data.stat.shape": ("data.shape (torch.long)", "data.shape(torch.long)"),
    "lec.data.preview": ("The first {n} characters (the lecture prints text[:1000])",
                         "前 {n} 个字符(课程中打印了 text[:1000])"),
    "lec.data.vocab.title": ("### The vocabulary: `chars = sorted(list(set(text)))`",
                             "### 词表:`chars = sorted(list(set(text)))`"),
    "lec.data.vocab.note": (
        "A character's id is its place in `chars`: `stoi[ch]` gives the id, `itos[i]` the character. "
        "`\\n` is the newline and `␣` the space. Hover a character to see how often it occurs.",
        "字符的 id 就是它在 `chars` 中的位置:`stoi[ch]` 给出 id,`itos[i]` 给出字符。"
        "`\\n` 是换行符,`␣` 是空格。鼠标悬停可看到该字符出现的次数。"),
    "lec.data.vocab.caption": ("vocab_size = {V}: the ids go from 0 to {hi}", "vocab_size = {V}:id 从 0 到 {hi}"),
    "lec.data.vocab.hover": ("id {id}: {char}, {count} times ({share})", "id {id}:{char},出现 {count} 次({share})"),
    "lec.data.play.title": ("### Encode and decode", "### 编码与解码"),
    "lec.data.play.note": (
        "`encode` turns a string into a list of ids and `decode` turns ids back into the string. "
        "Type text on the left or ids on the right: the other side follows as you type.",
        "`encode` 把字符串变成 id 列表,`decode` 把 id 变回字符串。"
        "在左边输入文本或在右边输入 id:另一边会随输入同步更新。"),
    "lec.data.text": ("Text to encode", "要编码的文本"),
    "lec.data.ids": ("Ids to decode", "要解码的 id"),
    "lec.data.ids.ph": ("e.g. 46, 47, 47", "例如 46, 47, 47"),
    "lec.data.encode": ("encode →", "encode 编码 →"),
    "lec.data.decode": ("← decode", "← decode 解码"),
    "lec.data.encoded": ("encode(text) gives {n} ids, one per character:", "encode(text) 得到 {n} 个 id,每个字符一个:"),
    "lec.data.decoded": ("decode(ids) gives {n} characters, one per id:", "decode(ids) 得到 {n} 个字符,每个 id 一个:"),
    "lec.data.empty_text": ("The empty string encodes to the empty list [].", "空字符串编码为空列表 []。"),
    "lec.data.empty_ids": ("No ids: the empty list decodes to the empty string ''.", "没有 id:空列表解码为空字符串 ''。"),
    "lec.data.unknown": (
        "Not in the vocabulary: {chars}. These characters never occur in the corpus, so encode() refuses the "
        "text (marked red below); remove them to encode the rest.",
        "不在词表中:{chars}。这些字符从未在语料中出现,所以 encode() 拒绝这段文本(下方标红);"
        "删掉它们即可编码其余部分。"),
    "lec.data.bad_id": ("{token} is not an id: type whole numbers separated by commas or spaces, e.g. 46, 47, 47.",
                        "{token} 不是 id:请输入用逗号或空格分隔的整数,例如 46, 47, 47。"),
    "lec.data.out_of_range": ("Outside the vocabulary: {ids}. The ids go from 0 to {hi} (vocab_size = {V}).",
                              "超出词表范围:{ids}。id 的范围是 0 到 {hi}(vocab_size = {V})。"),
    "lec.data.too_long": ("At most {limit} characters here (got {n}).", "这里最多 {limit} 个字符(收到 {n} 个)。"),
    "lec.data.too_many": ("At most {limit} ids here (got {n}).", "这里最多 {limit} 个 id(收到 {n} 个)。"),
    "lec.data.not_text": ("Please type text.", "请输入文本。"),
    "lec.data.split.title": ("### Train and validation split", "### 训练集与验证集的划分"),
    "lec.data.split.train": ("train_data = data[:n] · {n} ids (90%)", "train_data = data[:n] · {n} 个 id(90%)"),
    "lec.data.split.val": ("val_data = data[n:] · {n} ids (10%)", "val_data = data[n:] · {n} 个 id(10%)"),
    "lec.data.split.where": (
        "The split falls at character {n}, on line {line} of {lines}. The model never trains on the text after "
        "it, so the loss on val_data tells how well it does on text it has not seen: overfitting shows there first.",
        "分界点在第 {n} 个字符处,位于全部 {lines} 行中的第 {line} 行。模型从不在它之后的文本上训练,"
        "所以 val_data 上的损失反映模型在没见过的文本上的表现:过拟合首先在这里显现。"),
    "lec.data.split.around": ("Around the split (↵ marks a newline):", "分界点附近(↵ 表示换行):"),
}

CSS = """
.lecd-note { padding: 6px 10px; border-radius: 8px; margin: 4px 0; font-size: 14px; overflow-wrap: anywhere; }
.lecd-warn { background: rgba(255,193,7,0.18); }
.lecd-cells { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.lecd-cell { display: inline-flex; flex-direction: column; align-items: center; justify-content: center;
            min-width: 2.3em; padding: 3px 4px; border-radius: 6px; border: 1px solid var(--border-color-primary);
            background: var(--block-background-fill); line-height: 1.15; }
.lecd-cell .ch { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 17px;
                font-weight: 600; white-space: pre; }
.lecd-cell .ch.ws { color: #1e88e5; font-size: 15px; }
.lecd-cell .id { font-size: 12px; opacity: 0.7; font-variant-numeric: tabular-nums; }
.lecd-cell.bad { background: rgba(229,57,53,0.18); border-color: rgba(229,57,53,0.7); }
#lec-data-vocab .lecd-cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(2.6em, 1fr)); }
.lecd-mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
            white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; padding: 6px 8px; border-radius: 6px;
            background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
.lecd-preview { max-height: 220px; overflow-y: auto; }
.lecd-bar { display: flex; height: 30px; border-radius: 6px; overflow: hidden; margin: 6px 0 4px 0; }
.lecd-bar .train { background: rgba(33,150,243,0.55); }
.lecd-bar .val { background: rgba(255,152,0,0.75); }
.lecd-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
.lecd-legend .sw { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 3px; margin-right: 5px;
                  vertical-align: -1px; }
.lecd-tr { background: rgba(33,150,243,0.18); }
.lecd-va { background: rgba(255,152,0,0.28); }
.lecd-cut { border-left: 3px solid #e53935; margin-left: 1px; }
"""  # the .lecd-cell pieces are the batches section's too
