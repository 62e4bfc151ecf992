"""Strings of the Train tab and its API (key: (English, 简体中文)), and its CSS."""

S = {
    "train.texts": ("How the text improved", "文字是怎样变好的"),
    "train.texts_note": ("What the model writes at each snapshot of this run (step 0 and every evaluation), from "
                         "token 0 with seed 1337: the same draws each time, so only the weights differ. Noise first, "
                         "then letters in the right proportions, then words.",
                         "这次训练每个快照(第 0 步和每次评估)时模型写出的文字,都从 token 0 开始、随机种子 1337:"
                         "每次的随机抽样都一样,不同的只有权重。先是乱码,然后字母比例变得正常,再然后出现单词。"),
    "tab.train": ("Train", "训练"),
    "picker.run": ("{label}, step {step} (this session)", "{label},第 {step} 步(本次会话)"),
    "refuse.preset": ("Unknown preset {value}; choose one of {allowed}.", "未知预设 {value};可选:{allowed}。"),
    "refuse.lr": ("learning_rate must be a positive number, at most {hi} (got {value}).",
                  "learning_rate(学习率)必须是正数,且不超过 {hi}(收到 {value})。"),
    "refuse.missing": ("{field} is missing.", "缺少 {field}。"),
    "refuse.divisible": ("n_embd ({n_embd}) must be divisible by n_head ({n_head}): each head gets n_embd / n_head channels.",
                         "n_embd({n_embd})必须能被 n_head({n_head})整除:每个注意力头分到 n_embd / n_head 个通道。"),
    "refuse.warmup": ("warmup_iters ({warmup_iters}) must not exceed max_iters ({max_iters}).",
                      "warmup_iters({warmup_iters})不能超过 max_iters({max_iters})。"),
    "refuse.min_lr": ("min_lr ({min_lr}) must not exceed learning_rate ({learning_rate}).",
                      "min_lr({min_lr})不能超过 learning_rate({learning_rate})。"),
    "refuse.params": ("This model would have {params} parameters; this server allows up to {limit}. Lower n_embd or n_layer.",
                      "这个模型会有 {params} 个参数,本服务器最多允许 {limit}。请减小 n_embd 或 n_layer。"),
    "refuse.compute": ("One step would cost about {gflop} GFLOP; this server allows {limit} (about a second per step). "
                       "Lower batch_size, block_size, n_embd or n_layer.",
                       "每步约需 {gflop} GFLOP,本服务器上限为 {limit}(约每步一秒)。请减小 batch_size、block_size、n_embd 或 n_layer。"),
    "refuse.config": ("The configuration is invalid: {detail}", "配置无效:{detail}"),
    "refuse.no_run": ("No run yet: press Start first.", "还没有训练:请先点“开始”。"),
    "refuse.unknown_run": ("There is no run {run} in this session.", "本次会话中没有 {run}。"),
    "refuse.run_no_model": ("{run} has no model yet: it has not started.", "{run} 还没有模型:训练尚未开始。"),
    "refuse.no_shakespeare": ("tiny-shakespeare is not available on this server (no copy, and the download failed). "
                              "Upload or paste your own text instead.",
                              "本服务器上没有 tiny-shakespeare(没有副本,下载也失败了)。请改为上传或粘贴你自己的文本。"),
    "refuse.corpus_no_file": ("Choose a .txt file to upload first.", "请先选择要上传的 .txt 文件。"),
    "refuse.corpus_too_big": ("The text file is larger than {limit}.", "文本文件超过 {limit}。"),
    "refuse.corpus_empty": ("Paste some text first.", "请先粘贴一些文本。"),
    "refuse.corpus_text": ("The text cannot be used: {detail}", "无法使用这段文本:{detail}"),
    "refuse.corpus_short": ("The text is too short for block_size {block_size}: the validation split (10%) has {chars} "
                            "characters. Give at least {need} characters or lower block_size.",
                            "文本太短,无法使用 block_size {block_size}:验证集(10%)只有 {chars} 个字符。"
                            "请至少提供 {need} 个字符,或减小 block_size。"),
    "refuse.server_full": ("The server is full: too many trainings are waiting. Please try again in a few minutes.",
                           "服务器已满:排队的训练太多。请几分钟后再试。"),
    "refuse.busy_session": ("{run} is still in progress: Resume it, or Stop it before starting a new run.",
                            "{run} 仍在进行:请继续它,或先停止再开始新的训练。"),
    "refuse.not_running": ("Nothing is training: there is nothing to pause.", "当前没有训练,无法暂停。"),
    "refuse.not_paused": ("There is no paused run to resume.", "没有已暂停的训练可以继续。"),
    "refuse.no_run_to_step": ("No run to step: start one with paused=true, or press Step in the page.",
                              "没有可单步的训练:用 paused=true 开始一个,或在页面中点“单步”。"),
    "refuse.step_running": ("Pause the training before stepping it one step at a time.", "请先暂停,再单步训练。"),
    "refuse.step_slow": ("The step did not finish in time (the server is busy); check the status again shortly.",
                         "这一步没有及时完成(服务器繁忙),请稍后再查看状态。"),
    "refuse.nothing_to_stop": ("Nothing is training: there is nothing to stop.", "当前没有训练,无需停止。"),
    "status.idle": ("Ready. Pick a model type and preset, then press Start (or Step for one step at a time).",
                    "准备就绪。选择模型类型和预设,然后点“开始”(或点“单步”一次走一步)。"),
    "status.starting": ("Starting {label}…", "正在启动 {label}……"),
    "status.queued": ("Busy: the server is training for other visitors. You are queued (position {position}); "
                      "your run starts by itself when a slot frees.",
                      "服务器繁忙,正在为其他访客训练。你在排队中(第 {position} 位);有空位时会自动开始。"),
    "status.running": ("Training {label}: step {step} of {max_iters}, val loss {val}.",
                       "正在训练 {label}:第 {step}/{max_iters} 步,验证集损失 {val}。"),
    "status.paused": ("Paused {label} at step {step} of {max_iters}. Resume, Step, or Stop.",
                      "{label} 已暂停于第 {step}/{max_iters} 步。可继续、单步或停止。"),
    "status.done": ("Done: {label} trained {step} steps, val loss {val}. It is in the model picker; save it below.",
                    "完成:{label} 训练了 {step} 步,验证集损失 {val}。它已加入模型列表,可在下方保存。"),
    "status.stopped": ("Stopped {label} at step {step}, val loss {val}. Its model is in the model picker.",
                       "{label} 已停止于第 {step} 步,验证集损失 {val}。它的模型已加入模型列表。"),
    "status.failed": ("The run failed: {detail}", "训练失败:{detail}"),
    "status.failed_kept": ("The run failed: {detail} Its model as of step {step} is in the model picker.",
                           "训练失败:{detail} 它在第 {step} 步时的模型已加入模型列表。"),
    "status.paused_saved": ("Paused {label} at step {step} of {max_iters}; saved to disk to free the server's "
                            "memory. Resume, Step, or Stop: it continues exactly where it stopped.",
                            "{label} 已暂停于第 {step}/{max_iters} 步,并已存到磁盘以释放服务器内存。"
                            "可继续、单步或停止:它会从停下的地方原样继续。"),
    "stat.step": ("Step", "步数"),
    "stat.elapsed": ("Elapsed", "用时"),
    "stat.tokens": ("Tokens/s", "token/秒"),
    "stat.eta": ("ETA", "预计剩余"),
    "stat.loss": ("Batch loss", "批次损失"),
    "stat.train": ("Train loss", "训练集损失"),
    "stat.val": ("Val loss", "验证集损失"),
    "stat.lr": ("Learning rate", "学习率"),
    "train.start": ("Start", "开始"),
    "train.pause": ("Pause", "暂停"),
    "train.resume": ("Resume", "继续"),
    "train.step": ("Step", "单步"),
    "train.stop": ("Stop", "停止"),
    "train.reset": ("Reset", "重置"),
    "train.model_type": ("Model type", "模型类型"),
    "train.preset": ("Preset", "预设"),
    "train.describe": ("{params} parameters · about {gflop} GFLOP per step (limit {limit})",
                       "{params} 个参数 · 每步约 {gflop} GFLOP(上限 {limit})"),
    "train.group_model": ("Model size", "模型结构"),
    "train.group_train": ("Training", "训练参数"),
    "train.start_note": (
        "Where a curve starts: the GPT's weights are drawn from N(0, 0.02), so its first logits are near 0 and its "
        "loss near ln 65 = 4.17, the uniform guess. The bigram's table (and the ladder's rungs, with PyTorch's "
        "default init) start from N(0, 1): uneven rows, about 0.5 above ln 65 for the bigram.",
        "曲线从哪里开始:GPT 的权重从 N(0, 0.02) 中抽取,最初的 logits 接近 0,损失接近均匀猜测的 ln 65 = 4.17。"
        "Bigram 的查找表(以及用 PyTorch 默认初始化的各级阶梯模型)从 N(0, 1) 开始:各行不均匀,Bigram 的损失比 "
        "ln 65 高约 0.5。"),
    "train.group_corpus": ("Text to learn from", "训练文本"),
    "train.corpus": ("Corpus", "语料"),
    "train.corpus.info": ("tiny-shakespeare: 1.1M characters, 65 distinct", "tiny-shakespeare:110 万字符,65 种字符"),
    "train.corpus.download": ("tiny-shakespeare is downloaded on first use (or use your own text)",
                              "首次使用时会下载 tiny-shakespeare(也可以用你自己的文本)"),
    "train.corpus_file": ("UTF-8 text file (.txt, up to 10 MB)", "UTF-8 文本文件(.txt,最大 10 MB)"),
    "train.corpus_text": ("Your text", "你的文本"),
    "train.corpus_text.ph": ("Paste a few thousand characters or more…", "粘贴几千个字符或更多……"),
    "train.reference": ("Show the lecture's results (bigram val ≈ 2.49, GPT val ≈ 1.48)",
                        "显示课程中的结果(Bigram 验证集 ≈ 2.49,GPT 验证集 ≈ 1.48)"),
    "train.sample": ("Text sampled at each evaluation", "每次评估时采样的文本"),
    "train.sample_at": ("Sampled at step {step}", "第 {step} 步的采样文本"),
    "train.save": ("Save checkpoint", "保存检查点"),
    "train.saved": ("Checkpoint (config.json + model.safetensors)", "检查点(config.json + model.safetensors)"),
    "model.bigram": ("Bigram", "Bigram"),
    "model.gpt": ("GPT", "GPT"),
    "preset.bigram": ("bigram: the lecture's bigram.py", "bigram:课程中的 bigram.py"),
    "preset.gpt-classroom": ("gpt-classroom: small GPT, a few minutes", "gpt-classroom:小型 GPT,几分钟"),
    "preset.gpt-lecture": ("gpt-lecture: the lecture's gpt.py (slow on a CPU)", "gpt-lecture:课程中的 gpt.py(CPU 上很慢)"),
    "preset.ladder-1": ("ladder-1: embeddings + positions → lm_head", "ladder-1:token 与位置嵌入 → lm_head"),
    "preset.ladder-2": ("ladder-2: + one self-attention head", "ladder-2:+ 一个自注意力头"),
    "preset.ladder-3": ("ladder-3: multi-head attention", "ladder-3:多头注意力"),
    "preset.ladder-4": ("ladder-4: + feed-forward", "ladder-4:+ 前馈层"),
    "preset.ladder-5": ("ladder-5: 3 blocks, no residual", "ladder-5:3 个 block,无残差连接"),
    "preset.ladder-6": ("ladder-6: + residual connections", "ladder-6:+ 残差连接"),
    "preset.ladder-7": ("ladder-7: + LayerNorm", "ladder-7:+ LayerNorm"),
    "init.gpt": ("N(0, 0.02), as in the final gpt.py", "N(0, 0.02),与最终的 gpt.py 相同"),
    "init.torch": ("PyTorch's defaults, as early in the lecture", "PyTorch 默认初始化,与课程前半段相同"),
    "corpus.shakespeare": ("tiny-shakespeare", "tiny-shakespeare"),
    "corpus.upload": ("Upload a .txt", "上传 .txt"),
    "corpus.paste": ("Paste text", "粘贴文本"),
    "dtype.float32": ("float32", "float32"),
    "dtype.bfloat16": ("bfloat16 (autocast)", "bfloat16(自动混合精度)"),
    "dtype.auto": ("auto: bfloat16 where the CPU has it natively", "auto:CPU 原生支持时用 bfloat16"),
    "chart.step": ("step", "步数"),
    "chart.loss": ("loss (cross-entropy)", "损失(交叉熵)"),
    "chart.batch": ("train (smoothed)", "训练(平滑)"),
    "chart.batch_raw": ("train (minibatch)", "训练(小批次)"),
    "chart.train_eval": ("train (eval)", "训练集(评估)"),
    "chart.val_eval": ("val (eval)", "验证集(评估)"),
    "chart.earlier_val": ("{label} val", "{label} 验证集"),
    "chart.earlier_train": ("{label} train", "{label} 训练"),
    "chart.uniform": ("uniform guess: ln {V} = {value}", "均匀猜测:ln {V} = {value}"),
    "chart.lecture_bigram": ("lecture bigram val ≈ 2.49", "课程 Bigram 验证集 ≈ 2.49"),
    "chart.lecture_gpt": ("lecture GPT val ≈ 1.48", "课程 GPT 验证集 ≈ 1.48"),
    "chart.empty": ("Press Start:<br>the loss appears here as the model learns.", "点“开始”:<br>模型学习时,损失曲线会显示在这里。"),
    "field.block_size": ("Context length block_size", "上下文长度 block_size"),
    "field.block_size.info": ("T: characters the model sees at once", "T:模型一次能看到的字符数"),
    "field.n_embd": ("Embedding width n_embd", "嵌入维度 n_embd"),
    "field.n_embd.info": ("C: channels of each token's vector", "C:每个 token 向量的通道数(词嵌入层的宽度)"),
    "field.n_head": ("Attention heads n_head", "注意力头数 n_head"),
    "field.n_head.info": ("must divide n_embd; head size = n_embd / n_head", "必须整除 n_embd;头大小 = n_embd / n_head"),
    "field.n_layer": ("Layers n_layer", "层数 n_layer"),
    "field.n_layer.info": ("transformer blocks: attention, then feed-forward", "Transformer 块数:先注意力,再前馈网络"),
    "field.dropout": ("Dropout", "Dropout(随机失活)"),
    "field.dropout.info": ("fraction of activations zeroed while training", "训练时随机置零的激活比例"),
    "field.ffwd": ("Feed-forward", "前馈层(feed-forward)"),
    "field.ffwd.info": ("after attention, each token computes on what it gathered", "注意力之后,每个 token 对收集到的信息各自计算"),
    "field.residual": ("Residual connections", "残差连接"),
    "field.residual.info": ("x + sa(x), x + ffwd(x), with projections and a 4× wide feed-forward",
                            "x + sa(x)、x + ffwd(x),带投影层和 4 倍宽的前馈层"),
    "field.layer_norm": ("LayerNorm", "LayerNorm(层归一化)"),
    "field.layer_norm.info": ("before attention, before feed-forward and before lm_head", "在注意力、前馈层和 lm_head 之前"),
    "field.init": ("Initialisation", "初始化"),
    "field.init.info": ("how the weights start", "权重的初始值"),
    "field.batch_size": ("Batch size batch_size", "批大小 batch_size"),
    "field.batch_size.info": ("B: sequences per optimizer step", "B:每个优化步的序列数"),
    "field.learning_rate": ("Learning rate", "学习率 learning_rate"),
    "field.learning_rate.info": ("AdamW step size, e.g. 1e-2 for the bigram, 1e-3 for a GPT",
                                 "AdamW 的步长,例如 Bigram 用 1e-2,GPT 用 1e-3"),
    "field.max_iters": ("Steps max_iters", "训练步数 max_iters"),
    "field.max_iters.info": ("optimizer steps in the run", "本次训练的优化步数"),
    "field.eval_interval": ("Evaluate every (eval_interval)", "评估间隔 eval_interval"),
    "field.eval_interval.info": ("steps between train/val evaluations; 0 = only at the end",
                                 "两次训练集/验证集评估之间的步数;0 = 只在最后评估"),
    "field.eval_iters": ("Evaluation batches eval_iters", "评估批次数 eval_iters"),
    "field.eval_iters.info": ("batches averaged per evaluation", "每次评估取平均的批次数"),
    "field.warmup_iters": ("Warmup steps", "预热步数 warmup_iters"),
    "field.warmup_iters.info": ("learning rate ramps up linearly over these", "学习率在这些步内线性升高"),
    "field.lr_decay": ("Cosine decay to min_lr", "余弦衰减到 min_lr"),
    "field.lr_decay.info": ("lower the learning rate towards the end", "训练后期逐渐降低学习率"),
    "field.min_lr": ("Minimum learning rate min_lr", "最小学习率 min_lr"),
    "field.min_lr.info": ("where cosine decay ends", "余弦衰减的终点"),
    "field.weight_decay": ("Weight decay", "权重衰减 weight_decay"),
    "field.weight_decay.info": ("AdamW's decoupled weight decay", "AdamW 的解耦权重衰减"),
    "field.grad_clip": ("Gradient clipping", "梯度裁剪 grad_clip"),
    "field.grad_clip.info": ("max gradient norm; 0 = off", "最大梯度范数;0 = 不裁剪"),
    "field.seed": ("Random seed", "随机种子 seed"),
    "field.seed.info": ("same seed and settings, same run", "相同种子和设置,得到相同结果"),
    "field.dtype": ("Number format dtype", "数值精度 dtype"),
    "field.dtype.info": ("bfloat16 is faster on CPUs that support it", "在支持 bfloat16 的 CPU 上更快"),
}

CSS = """
.banner { padding: 8px 12px; border-radius: 8px; font-weight: 500; background: rgba(127,127,127,0.10);
          overflow-wrap: anywhere; }
.banner .icon { display: inline-block; width: 1.2em; }
.banner-running { background: rgba(46,160,67,0.14); }
.banner-queued { background: rgba(255,193,7,0.20); }
.banner-paused { background: rgba(33,150,243,0.14); }
.banner-done { background: rgba(46,160,67,0.22); }
.banner-failed { background: rgba(229,57,53,0.16); }
.stats { display: flex; flex-wrap: wrap; gap: 6px; }
.stat { flex: 1 1 92px; min-width: 84px; padding: 5px 10px; border-radius: 8px;
        border: 1px solid var(--border-color-primary); background: var(--block-background-fill); }
.stat .k { font-size: 12px; color: var(--body-text-color-subdued); white-space: nowrap; }
.stat .v { font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
#train-controls button { min-width: 84px; }
#config-note p { margin: 0; font-size: 13px; }
#start-note p { margin: 0; font-size: 13px; color: var(--body-text-color-subdued); }
@media (max-width: 640px) {
  #train-controls { gap: 6px; }
  #train-controls button { min-width: calc(33% - 6px); flex: 1 1 calc(33% - 6px); }
  .stat { flex: 1 1 calc(50% - 6px); }
}
"""
