"""Strings of the walkthrough's batches section: key: (English, 简体中文)."""

S = {
    "lec.batches.intro": (
        "The model never reads the whole text at once. `get_batch` draws `batch_size` (B) random starting points "
        "`ix` and cuts `block_size` (T) characters from each: that is `x`. `y` is the same chunk moved on by one "
        "character, so `y[b, t]` is the character that comes after `x[b, :t+1]`. One chunk holds T examples, "
        "one batch B × T, and the B rows never see each other.",
        "模型从不一次读入整段文本。`get_batch` 随机抽取 `batch_size`(B)个起点 `ix`,"
        "从每个起点截取 `block_size`(T)个字符,这就是 `x`。`y` 是同一段文本向后移一个字符,"
        "所以 `y[b, t]` 是紧跟在 `x[b, :t+1]` 之后的字符。一段文本包含 T 个训练样本,一个批次包含 B × T 个;"
        "B 行之间互不相见。"),
    "lec.batches.B": ("batch_size (B)", "batch_size(B)"),
    "lec.batches.B.info": ("rows drawn at once (at most 8 here)", "一次抽取的行数(这里最多 8)"),
    "lec.batches.T": ("block_size (T)", "block_size(T)"),
    "lec.batches.T.info": ("characters per row (at most 32 here)", "每行的字符数(这里最多 32)"),
    "lec.batches.seed": ("seed", "随机种子 seed"),
    "lec.batches.seed.info": ("the same seed gives the same batch", "相同的种子给出相同的批次"),
    "lec.batches.split": ("split", "数据划分"),
    "lec.batches.split.train": ("train_data", "train_data(训练集)"),
    "lec.batches.split.val": ("val_data", "val_data(验证集)"),
    "lec.batches.next": ("New batch (seed + 1)", "换一批(seed + 1)"),
    "lec.batches.summary": (
        "ix = {ix}: {B} random starts in {split} ({n} ids), drawn by "
        "torch.randint(len(data) - block_size, (batch_size,)) with seed {seed}.",
        "ix = {ix}:在 {split}({n} 个 id)中随机抽取的 {B} 个起点,"
        "由 torch.randint(len(data) - block_size, (batch_size,)) 以种子 {seed} 抽出。"),
    "lec.batches.grid.title": ("### x and y, aligned: each column is one place in the text",
                               "### x 与 y 对齐显示:每一列是文本中的一个位置"),
    "lec.batches.grid.note": (
        "For each row b: the top line is `x[b]` (inputs), the bottom line `y[b]` (targets). `y` is `x` shifted by "
        "one, so `y[b, t] = x[b, t+1]`, and the last target comes from just after the chunk. Each ↘ goes from an "
        "input to its target. Hover an input to light up its context and its target.",
        "对每一行 b:上面一行是 `x[b]`(输入),下面一行是 `y[b]`(目标)。`y` 是 `x` 移动一位的结果,"
        "所以 `y[b, t] = x[b, t+1]`,最后一个目标来自这段文本之后的那个字符。每个 ↘ 从一个输入指向它的目标。"
        "鼠标悬停在某个输入上,会高亮它的上下文和目标。"),
    "lec.batches.row": ("b = {b} · ix[{b}] = {ix} · line {line}", "b = {b} · ix[{b}] = {ix} · 第 {line} 行"),
    "lec.batches.tensors": ("### xb and yb, as the lecture prints them", "### 课程中打印出的 xb 与 yb"),
    "lec.batches.inputs": ("inputs: xb.shape = {shape}", "输入:xb.shape = {shape}"),
    "lec.batches.targets": ("targets: yb.shape = {shape}", "目标:yb.shape = {shape}"),
    "lec.batches.examples": ("The {n} examples in this batch (B × T = {B} × {T})",
                             "这个批次中的 {n} 个样本(B × T = {B} × {T})"),
    "lec.batches.example": ("when the input is {context} the target is {target}",
                            "当输入是 {context} 时,目标是 {target}"),
}
