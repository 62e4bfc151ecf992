"""Strings of the ladder section (key: (English, 简体中文)) and its CSS."""

S = {
    "lec.ladder.intro": (
        "The lecture's second half builds the GPT one addition at a time and reads the validation loss off "
        "each step. Every rung below is the same `GPTLanguageModel` with one more switch on (`GPTConfig`: "
        "`n_layer`, `n_head`, `ffwd`, `residual`, `layer_norm`), trained with the lecture's settings at that "
        "point (batch 32, block 8, n_embd 32, lr 1e-3, 5000 steps). Train any rung yourself below (each takes "
        "seconds to a minute); when your run ends it lands on the staircase as a star. Every rung also opens in the Attention, Softmax and Sampling tabs (the model picker lists them).",
        "课程的后半段一步一步搭出 GPT,每加一样东西就读一次验证集损失。下面每一级都是同一个 "
        "`GPTLanguageModel`,只是多打开了一个开关(`GPTConfig`:`n_layer`、`n_head`、`ffwd`、`residual`、"
        "`layer_norm`),并按课程当时的设置训练(batch 32、block 8、n_embd 32、学习率 1e-3、5000 步)。"
        "你可以在下面亲手训练任何一级(每级几秒到一分钟);训练结束后,你的结果会以星号出现在阶梯图上。"
        "每一级也都能在注意力、Softmax 和采样标签页中打开(模型选择器里列出了它们)。"),
    "lec.ladder.chart_title": ("Validation loss, rung by rung", "逐级的验证集损失"),
    "lec.ladder.ours": ("ours (assets/)", "我们的(assets/)"),
    "lec.ladder.lecture": ("the lecture's", "课程中的"),
    "lec.ladder.yours": ("yours", "你训练的"),
    "lec.ladder.val": ("val loss (nats)", "验证集损失(nats)"),
    "lec.ladder.uniform": ("uniform guess: ln 65 = 4.17", "均匀猜测:ln 65 = 4.17"),
    "lec.ladder.col.rung": ("Rung", "级"),
    "lec.ladder.col.adds": ("What it adds", "新增了什么"),
    "lec.ladder.col.preset": ("Preset", "预设"),
    "lec.ladder.col.gain": ("Change", "变化"),
    "lec.ladder.on_cpu": ("on a CPU: {asset}", "CPU 上用 {asset}"),
    "lec.ladder.why_hurts": (
        "Rung 5 is worse than rung 4: three blocks without residual connections are deeper, and the gradient "
        "has no short path back to the early layers, so they train worse. Rung 6 adds the residual "
        "connections (`x = x + self.sa(x)`): the biggest drop of the small rungs.",
        "第 5 级比第 4 级更差:三个没有残差连接的 block 更深,梯度没有通往前面几层的捷径,于是训练得更差。"
        "第 6 级加上残差连接(`x = x + self.sa(x)`):这是各个小模型之间下降最多的一步。"),
    "lec.ladder.samples_head": ("### Samples, rung by rung\nThe same prompt and seed for every rung: the text gets "
                                "better as the model grows.",
                                "### 逐级采样\n每一级用同样的提示文本和随机种子:模型越完整,文字越像样。"),
    "lec.ladder.prompt": ("Prompt", "提示文本"),
    "lec.ladder.prompt.ph": ("empty: start from token 0 (a newline), as the lecture does",
                             "留空:和课程一样从 token 0(换行符)开始"),
    "lec.ladder.seed": ("Seed", "随机种子"),
    "lec.ladder.length": ("Characters", "字符数"),
    "lec.ladder.sample": ("Sample every rung", "每一级都采样"),
    "lec.ladder.code_head": ("### The code each rung turns on\nRead from `model/` as it runs.",
                             "### 每一级打开的代码\n运行时从 `model/` 读取。"),
    "lec.ladder.rung": ("Rung", "级"),
    "lec.ladder.no_checkpoint": ("(no checkpoint in assets/)", "(assets/ 中没有这个检查点)"),
    "lec.ladder.unknown": ("Some rung's vocabulary lacks these characters: {chars}", "有一级的词表中没有这些字符:{chars}"),
    "lec.ladder.anatomy_head": (
        "### What the additions do, with the rungs' own tensors\nThe prompt above (its last 8 characters; our own "
        "line while it is shorter) through the trained rungs. **Multi-head** (rung 3): each head returns its own `wei @ v`, 8 channels "
        "wide; the block puts them side by side (`torch.cat`) into 32 channels, which is all that reaches "
        "`lm_head`: no head is averaged. **Residual stream** (rungs 5–7): without residual connections each "
        "block replaces `x`, and after the first block nothing of the embeddings is left (cosine ≈ 0); with them "
        "each block adds to `x`, and the stream still carries the embeddings three blocks down; its length |x| "
        "(the labels) grows block by block as each adds its part. "
        "**LayerNorm** (rung 7): one row of `x` made mean 0, std 1, then scaled and shifted by the learned γ, β.",
        "### 这些新增部分做了什么:用各级模型自己的张量来看\n把上面的提示文本(最后 8 个字符;不足 8 个字符时用我们自己的一句话)"
        "送进训练好的各级模型。"
        "**多头**(第 3 级):每个头各自返回 `wei @ v`,宽 8 个通道;block 把它们并排拼接(`torch.cat`)成 32 个"
        "通道,送往 `lm_head` 的只有这些:没有对任何头取平均。**残差流**(第 5–7 级):没有残差连接时,每个 "
        "block 都替换掉 `x`,第一个 block 之后嵌入就一点不剩(余弦 ≈ 0);有了残差,每个 block 只是往上加,"
        "三个 block 之后残差流里仍带着嵌入;它的长度 |x|(图中标注)随着每个 block 往上加而逐级变大。**LayerNorm**(第 7 级):"
        "把 `x` 的一行变成均值 0、标准差 1,再用学到的 γ、β 缩放和平移。"),
    "lec.ladder.heads_title": ("Rung 3: four heads' outputs, then concatenated (rows: positions)",
                               "第 3 级:四个头各自的输出,再拼接起来(行:位置)"),
    "lec.ladder.concat": ("concatenated: (T, {C})", "拼接后:(T, {C})"),
    "lec.ladder.stream_title": ("How much of the embeddings x still carries", "x 里还带着多少嵌入"),
    "lec.ladder.embeddings": ("embeddings", "嵌入"),
    "lec.ladder.after_block": ("block {n}", "第 {n} 个 block"),
    "lec.ladder.ln_before": ("x (last position), entering block 1", "x(最后一个位置),进入 block 1 之前"),
    "lec.ladder.ln_normed": ("(x - mean) / std", "(x - 均值) / 标准差"),
    "lec.ladder.ln_after": ("ln1(x): then × γ + β (learned)", "ln1(x):再 × γ + β(学到的参数)"),
    "lec.ladder.ln_note": ("LayerNorm normalises each row over its {C} channels (not over the batch, as BatchNorm "
                           "would); γ and β let the model undo it where that helps.",
                           "LayerNorm 在每一行的 {C} 个通道上做归一化(而不像 BatchNorm 那样在批次上);"
                           "γ 和 β 让模型在需要时把它调回去。"),
    "lec.ladder.details": ("Two details of the attention code: tril is a buffer, and one matmul makes every head's q, k, v",
                           "注意力代码的两个细节:tril 是缓冲区(buffer),一次矩阵乘法算出所有头的 q、k、v"),
    "lec.ladder.detail.tril_head": (
        "self.register_buffer(\"tril\", ...): the causal mask is part of the module but not a parameter. It is not "
        "trained, so the optimizer never sees it; it moves with the model (.to(device)) like its weights; and "
        "with persistent=False it is rebuilt from block_size instead of being saved. Checked on rung 3:",
        "self.register_buffer(\"tril\", ...):因果掩码属于模块,却不是参数。它不参与训练,优化器看不到它;"
        "它像权重一样随模型移动(.to(device));persistent=False 时它由 block_size 重新构造,不存进检查点。"
        "在第 3 级上检查:"),
    "lec.ladder.detail.buffer": ("tril is among model.named_buffers()", "tril 在 model.named_buffers() 中"),
    "lec.ladder.detail.parameter": ("tril is among model.named_parameters() (what the optimizer updates)",
                                    "tril 在 model.named_parameters() 中(优化器更新的对象)"),
    "lec.ladder.detail.grad": ("tril.requires_grad (whether it gets a gradient)", "tril.requires_grad(是否计算梯度)"),
    "lec.ladder.detail.saved": ("tril is in model.state_dict() (what a checkpoint stores)",
                                "tril 在 model.state_dict() 中(检查点保存的内容)"),
    "lec.ladder.detail.fused_head": (
        "The lecture gives each head its own key, query and value nn.Linear(C, head_size). Stacking those weights "
        "gives one nn.Linear(C, 3C): the same numbers from one matmul. Checked on rung 3 with the same weights:",
        "课程给每个头各自的 key、query、value 三个 nn.Linear(C, head_size)。把这些权重叠在一起就是一个 "
        "nn.Linear(C, 3C):一次矩阵乘法得到同样的数。在第 3 级上用同一组权重检查:"),
    "lec.ladder.detail.allclose": ("torch.allclose(fused, per-head): largest difference {diff}",
                                   "torch.allclose(融合, 逐头):最大差异 {diff}"),
    "lec.ladder.detail.matmuls": ("matmuls for q, k, v: fused vs one per head and per q/k/v ({n_head} heads of {hs})",
                                  "计算 q、k、v 的矩阵乘法次数:融合 vs 每个头、每个 q/k/v 各一次({n_head} 个头,每个大小 {hs})"),
    "lec.ladder.short.ladder-0": ("bigram", "bigram 查找表"),
    "lec.ladder.train_head": (
        "### Train the rungs yourself\nEach run goes through the Train tab's machinery (it queues when the server "
        "is busy; Stop ends it) and draws its val loss here, every rung in its own colour: your runs solid, ours "
        "from `assets/` dotted, the lecture's value a mark at the right edge. The first evaluation, near "
        "ln 65 = 4.17, is above the chart: the differences between rungs are all below 3. The bigram starts about "
        "0.5 higher than the GPT rungs: its table is drawn from N(0, 1), which makes confident wrong guesses.",
        "### 亲手训练每一级\n每次训练都走“训练”标签页的同一套机制(服务器忙时排队,“停止”可随时结束),"
        "并在这里画出验证集损失,每一级一种颜色:你的训练是实线,`assets/` 中我们的是点线,课程中的数值是右侧的短横。"
        "第一次评估的损失接近 ln 65 = 4.17,在图的上方之外:各级之间的差别都在 3 以下。bigram 的起点比 GPT 各级"
        "高约 0.5:它的表从 N(0, 1) 中抽取,一开始就会给出很确定却错误的猜测。"),
    "lec.ladder.train_one": ("Train this rung", "训练这一级"),
    "lec.ladder.train_all": ("Train the whole ladder", "训练整个阶梯"),
    "lec.ladder.stop": ("Stop", "停止"),
    "lec.ladder.curves_title": ("Val loss while training, every rung", "训练过程中各级的验证集损失"),
    "lec.ladder.train_idle": ("No run of a rung in this session yet: pick a rung and press Train this rung, or "
                              "train the whole ladder (rungs 0 to 7, one after another).",
                              "本次会话还没有训练过任何一级:选一级后点“训练这一级”,或者训练整个阶梯(第 0 到 7 级依次训练)。"),
    "lec.ladder.train_queued": ("Rung {rung}: {label} is waiting for a training slot…", "第 {rung} 级:{label} 正在等待训练名额…"),
    "lec.ladder.train_running": ("Rung {rung}: {label} is training, step {step} of {max_iters}, val {val}.",
                                 "第 {rung} 级:{label} 正在训练,第 {step}/{max_iters} 步,验证集损失 {val}。"),
    "lec.ladder.train_paused": ("Rung {rung}: {label} is paused at step {step} (the Train tab resumes it).",
                                "第 {rung} 级:{label} 暂停在第 {step} 步(可在“训练”标签页继续)。"),
    "lec.ladder.train_done": ("Rung {rung}: {label} finished, val {val}: it is on the staircase above.",
                              "第 {rung} 级:{label} 训练完成,验证集损失 {val}:它已出现在上面的阶梯图上。"),
    "lec.ladder.train_stopped": ("Rung {rung}: {label} stopped at step {step}, val {val} (a stopped run does not "
                                 "go on the staircase).",
                                 "第 {rung} 级:{label} 在第 {step} 步停止,验证集损失 {val}(停止的训练不会出现在阶梯图上)。"),
    "lec.ladder.train_failed": ("Rung {rung}: {label} failed (the Train tab says why).",
                                "第 {rung} 级:{label} 训练失败(原因见“训练”标签页)。"),
    "lec.ladder.train_next": ("Next: rungs {rungs}.", "接下来:第 {rungs} 级。"),
    "lec.ladder.no_trainer": ("Training is not available on this server.", "此服务器不提供训练。"),
    "lec.ladder.needs_gpu": ("The last rung is the lecture's 10.8M-parameter GPT, trained on a GPU: here it stays a "
                             "reference (gpt-small, 1.49, stands for it). Pick rung 0 to 7.",
                             "最后一级是课程中 1080 万参数、在 GPU 上训练的 GPT:这里只作为参照(用 gpt-small 的 1.49 代替)。"
                             "请选择第 0 到 7 级。"),
    "lec.ladder.diff_head": ("{rung} against {before}: {added} lines added, {removed} removed. Every if on a "
                             "switch of GPTConfig is replaced by the branch this rung takes, so only what the lecture "
                             "changed differs.",
                             "{rung} 对比 {before}:新增 {added} 行,删除 {removed} 行。凡是取决于 GPTConfig 开关的 if,"
                             "都换成了这一级实际走的分支,所以不同之处正是课程改动的地方。"),
    "lec.ladder.unchanged": ("… {n} unchanged lines", "… {n} 行未改动"),
    "lec.ladder.dropout_head": (
        "**Dropout** (the last rung adds it, 0.2): during training it zeroes a random fifth of the activations and "
        "scales the rest by 1/0.8, so no unit can rely on another; at evaluation it does nothing. The rungs above "
        "are too small to memorise tiny-shakespeare, so their train and val losses stay together and dropout has "
        "nothing to fix. Below, rung 7 a little wider (n_embd 64, block 32, 2 blocks) trains on the first 20,000 "
        "characters only: without dropout it memorises them (train falls, val turns back up); with dropout 0.2 the "
        "gap stays small and val ends lower.",
        "**Dropout**(最后一级加入,0.2):训练时随机把五分之一的激活置零,其余乘以 1/0.8,让任何单元都不能依赖别的单元;"
        "评估时它什么都不做。上面各级太小,记不住 tiny-shakespeare,所以训练集和验证集损失一直很接近,dropout 无事可做。"
        "下面把第 7 级稍微加宽(n_embd 64、block 32、2 个 block),只用前 20,000 个字符训练:没有 dropout 时它把文本背了下来"
        "(训练集损失一路下降,验证集损失掉头上升);dropout 0.2 时差距很小,验证集损失最终更低。"),
    "lec.ladder.dropout_title": ("Train (dashed) and val (solid), without and with dropout",
                                 "训练集(虚线)与验证集(实线):无 dropout 与有 dropout"),
    "lec.ladder.dropout_rate": ("dropout {p}", "dropout 比例 {p}"),
    "lec.ladder.loss": ("loss (nats)", "损失(nats)"),
    "lec.ladder.dropout_col.p": ("dropout", "dropout 比例"),
    "lec.ladder.dropout_col.train": ("train", "训练集"),
    "lec.ladder.dropout_col.val": ("val", "验证集"),
    "lec.ladder.dropout_col.gap": ("gap (val − train)", "差距(验证 − 训练)"),
    "lec.ladder.dropout_col.best": ("best val", "最低验证损失"),
    "lec.ladder.dropout_note": ("At the last step; the first {chars} characters of tiny-shakespeare, split 90/10. "
                                "Measured by", "取最后一步;tiny-shakespeare 的前 {chars} 个字符,按 90/10 划分。测量命令:"),
    "lec.ladder.dropout_missing": ("assets/dropout.json is missing: python -m model.lecture.dropout --out "
                                   "assets/dropout.json makes it.",
                                   "缺少 assets/dropout.json:运行 python -m model.lecture.dropout --out assets/dropout.json 生成。"),
    "lec.ladder.short.ladder-1": ("embeddings", "嵌入"),
    "lec.ladder.short.ladder-2": ("one head", "单头"),
    "lec.ladder.short.ladder-3": ("multi-head", "多头"),
    "lec.ladder.short.ladder-4": ("+ ffwd", "+ 前馈"),
    "lec.ladder.short.ladder-5": ("3 blocks", "3 个 block"),
    "lec.ladder.short.ladder-6": ("+ residual", "+ 残差"),
    "lec.ladder.short.ladder-7": ("+ LayerNorm", "+ 层归一化"),
    "lec.ladder.short.gpt-lecture": ("scaled up", "放大"),
    "lec.ladder.adds.ladder-0": ("the bigram: a (V, V) table of next-character logits",
                                 "bigram:一张 (V, V) 的下一个字符 logits 表"),
    "lec.ladder.adds.ladder-1": ("token and position embeddings (C = 32), then lm_head; no attention yet",
                                 "token 嵌入与位置嵌入(C = 32),再接 lm_head;还没有注意力"),
    "lec.ladder.adds.ladder-2": ("one self-attention head of size 32: tokens communicate",
                                 "一个大小为 32 的自注意力头:token 之间开始通信"),
    "lec.ladder.adds.ladder-3": ("4 heads of size 8, run in parallel and concatenated",
                                 "4 个大小为 8 的注意力头,并行计算后拼接"),
    "lec.ladder.adds.ladder-4": ("a feed-forward layer: each token computes on what it gathered",
                                 "前馈层:每个 token 对收集到的信息各自计算"),
    "lec.ladder.adds.ladder-5": ("3 blocks of attention + feed-forward, no residual connections",
                                 "3 个“注意力 + 前馈”block,没有残差连接"),
    "lec.ladder.adds.ladder-6": ("residual connections, projections, a 4x wide feed-forward",
                                 "残差连接、投影层、4 倍宽的前馈层"),
    "lec.ladder.adds.ladder-7": ("LayerNorm before attention, feed-forward and lm_head",
                                 "在注意力、前馈层和 lm_head 之前加 LayerNorm"),
    "lec.ladder.adds.gpt-lecture": ("scaled up: 6 layers, 6 heads, n_embd 384, block 256, dropout 0.2 (on a GPU)",
                                    "放大:6 层、6 个头、n_embd 384、block 256、dropout 0.2(在 GPU 上)"),
}

CSS = """
.ladder-table { border-collapse: collapse; font-size: 14px; width: 100%; }
.ladder-table th, .ladder-table td { padding: 4px 8px; border-bottom: 1px solid var(--border-color-primary);
  text-align: left; }
.ladder-table td:nth-child(4), .ladder-table td:nth-child(5), .ladder-table td:nth-child(6) {
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.ladder-table .down { color: #2e7d32; } .ladder-table .up { color: #c62828; }
.ladder-table .yours { color: #2ca02c; font-size: 12px; }
.ladder-samples { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px; }
.ladder-sample { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 8px; }
.ladder-sample .k { font-size: 12px; color: var(--body-text-color-subdued); }
.ladder-details ul { margin: 2px 0 8px 1.2em; } .ladder-details li { font-size: 14px; }
.ladder-ln { width: auto; } .ladder-note { font-size: 13px; color: var(--body-text-color-subdued); }
.ladder-sample pre { margin: 4px 0 0; white-space: pre-wrap; font-size: 12px; max-height: 14em; overflow: auto; }
.ladder-status { font-size: 14px; margin: 4px 0; }
.ladder-diff .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
  white-space: pre; overflow-x: auto; border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 6px 0; line-height: 1.45; }
.ladder-diff .code > span, .ladder-diff .fold > span { display: block; padding: 0 8px; }
.ladder-diff .add { background: #e6ffec; color: #1a5e2a; } .ladder-diff .del { background: #ffebe9; color: #8c1d18; }
.ladder-diff .same { color: var(--body-text-color); }
.ladder-diff .fold summary { cursor: pointer; color: var(--body-text-color-subdued); padding: 0 8px;
  background: var(--background-fill-secondary); }
.dark .ladder-diff .add { background: #12361c; color: #aff5b4; } .dark .ladder-diff .del { background: #4a1414; color: #ffc1ba; }
@media (max-width: 640px) { .ladder-table { font-size: 12px; } .ladder-table th, .ladder-table td { padding: 2px 4px; } }
"""
