"""Strings of the walkthrough's batches section: key: (English, 简体中文); and its CSS."""
from .compute import MAX_T

S = {
    "lec.batches.intro": (
        "The model never reads the whole text at once. `get_batch` draws `batch_size` (B) random starting points "
        "`ix` and cuts `block_size` (T) characters from each: that is `x`. `y` is the same chunk moved on by one "
        "character, so `y[b, t]` is the character that comes after `x[b, :t+1]`. One chunk holds T examples, "
        "one batch B × T, and the B rows never see each other.",
        "模型从不一次读入整段文本。`get_batch` 随机抽取 `batch_size`(B)个起点 `ix`,"
        "从每个起点截取 `block_size`(T)个字符,这就是 `x`。`y` 是同一段文本向后移一个字符,"
        "所以 `y[b, t]` 是紧跟在 `x[b, :t+1]` 之后的字符。一段文本包含 T 个训练样本,一个批次包含 B × T 个;"
        "B 行之间互不通信、彼此独立。"),
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


CSS = """
#lec-batches-grid .lec-row { margin: 4px 0 10px 0; }
#lec-batches-grid .lec-row-head { font-size: 13px; color: var(--body-text-color-subdued); margin-bottom: 2px; }
#lec-batches-grid .lec-scroll { overflow-x: auto; padding-bottom: 2px; }
#lec-batches-grid .lec-grid { display: grid; gap: 2px; width: max-content; --w: 2.3em;
  grid-template-columns: 1.4em repeat(var(--cols), var(--w)); }
@media (max-width: 640px) { #lec-batches-grid .lec-grid { --w: 1.95em; }
  #lec-batches-next { flex-grow: 1; }
  #lec-batches-grid .lecd-cell .ch { font-size: 15px; } }
#lec-batches-grid .lec-grid .lab { font-weight: 700; align-self: center; font-family: ui-monospace, monospace; }
#lec-batches-grid .lecd-cell { min-width: 0; padding: 2px 0; }
#lec-batches-grid .lecd-cell.x { background: rgba(33,150,243,0.14); }
#lec-batches-grid .lecd-cell.y { background: rgba(255,152,0,0.20); }
#lec-batches-grid .lecd-cell.y.after { border-style: dashed; border-color: rgba(255,152,0,0.9); }
#lec-batches-grid .arrow { text-align: right; font-size: 16px; line-height: 1; color: #e65100; opacity: 0.75; }
#lec-batches-grid .lecd-cell.x:hover, #lec-batches-grid .lecd-cell.x:has(~ .x:hover) {
  background: rgba(33,150,243,0.45); }
#lec-batches-tensors .lec-pair { display: flex; flex-wrap: wrap; gap: 8px 16px; }
#lec-batches-tensors .lec-pair > div { flex: 1 1 300px; min-width: 0; }
#lec-batches-tensors pre { overflow-x: auto; white-space: pre; margin: 2px 0; font-size: 12px; }
#lec-batches-examples .lec-list { max-height: 420px; overflow-y: auto; font-size: 13px; padding: 4px 8px;
  border: 1px solid var(--border-color-primary); border-radius: 8px; }
#lec-batches-examples .ex { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  overflow-wrap: anywhere; padding: 1px 0; }
#lec-batches-examples .ex .chars { color: var(--body-text-color-subdued); margin-left: 8px; }
#lec-batches-examples .b { font-weight: 600; margin-top: 6px; }
""" + "\n".join(  # hovering x[b, t] lights up its target y[b, t]
    f'#lec-batches-grid .lec-grid:has(.x[data-t="{t_}"]:hover) .y[data-t="{t_}"] '
    f"{{ background: rgba(255,152,0,0.6); outline: 2px solid #e65100; }}" for t_ in range(MAX_T))
