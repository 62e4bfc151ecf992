"""Every user-visible string, in English and Simplified Chinese, looked up by t(). The shell's (header,
picker, errors, refusals every feature shares) are here; each feature keeps its own in its text.py,
added when the feature is declared (explorer/feature.py). tests/test_explorer_i18n.py checks both
languages and the same placeholders."""

LANGS = {"en": "English", "zh-CN": "中文"}
DEFAULT_LANG = "en"

_S = {  # key: (English, 简体中文)
    # app shell
    "app.header": ("## GPT Explorer\nKarpathy's *Let's build GPT*, live: train the bigram and the GPT, watch them learn.",
                   "## GPT 探索器\nKarpathy《从零构建 GPT》的交互版:亲手训练 Bigram 和 GPT,看着它们学会写莎士比亚。"),
    "picker.label": ("Model", "模型"),
    "picker.info": ("Used by every tab: pretrained, trained here, or uploaded",
                    "所有标签页共用:预训练的、本页训练的或上传的模型"),
    "picker.upload": ("Upload checkpoint (.zip)", "上传检查点 (.zip)"),
    "picker.pretrained": ("{name} (pretrained)", "{name}(预训练)"),
    "picker.uploaded": ("{name} (uploaded)", "{name}(已上传)"),
    "card.none": ("No model yet: train one below or upload a checkpoint.", "还没有模型:在下方训练一个,或上传检查点。"),
    "card.bigram": ("a {V}×{V} lookup table", "{V}×{V} 查找表"),
    "card.gpt": ("n_layer {n_layer} × n_head {n_head}, n_embd {n_embd}", "{n_layer} 层 × {n_head} 个注意力头,n_embd {n_embd}"),
    "card.params": ("{params} parameters", "{params} 个参数"),
    "card.context": ("context {block_size}", "上下文 {block_size}"),
    "card.vocab": ("vocabulary {V}", "词表 {V}"),
    "card.steps": ("trained {step} steps", "已训练 {step} 步"),
    "card.val": ("val loss {val}", "验证集损失 {val}"),
    "try.title": ("Try the picked model", "试用所选模型"),
    "try.prompt": ("Prompt (optional)", "提示文本(可选)"),
    "try.prompt.ph": ("e.g. ROMEO:", "例如 ROMEO:"),
    "try.button": ("Generate", "生成"),
    "try.output": ("300 sampled characters (temperature 1)", "采样 300 个字符(温度 1)"),
    # errors and refusals
    "error.title": ("Not possible", "无法执行"),
    "error.corpus": ("The text cannot be used: {detail}", "无法使用这段文本:{detail}"),
    "error.checkpoint": ("The checkpoint cannot be loaded: {detail}", "无法加载检查点:{detail}"),
    "error.internal": ("Something went wrong on the server. Please try again.", "服务器出错了,请重试。"),
    "error.memory": ("The server ran out of memory. Try a smaller model or batch.", "服务器内存不足。请换一个更小的模型或批大小。"),
    "refuse.bool": ("{field} must be true or false (got {value}).", "{field} 必须是 true 或 false(收到 {value})。"),
    "refuse.choice": ("{field} must be one of {allowed} (got {value}).", "{field} 必须是 {allowed} 之一(收到 {value})。"),
    "refuse.number": ("{field} must be a number (got {value}).", "{field} 必须是数字(收到 {value})。"),
    "refuse.integer": ("{field} must be a whole number (got {value}).", "{field} 必须是整数(收到 {value})。"),
    "refuse.range": ("{field} must be between {lo} and {hi} on this server (got {value}).",
                     "在本服务器上 {field} 必须介于 {lo} 与 {hi} 之间(收到 {value})。"),
    "refuse.zip_not_zip": ("Please upload a .zip holding config.json and model.safetensors.",
                           "请上传包含 config.json 和 model.safetensors 的 .zip 文件。"),
    "refuse.zip_bad": ("The zip file is damaged or uses an unsupported format ({detail}).", "zip 文件已损坏或格式不受支持({detail})。"),
    "refuse.zip_members": ("The zip holds {count} entries; a checkpoint needs only 2 (at most {limit}).",
                           "zip 中有 {count} 个条目;检查点只需要 2 个(最多 {limit} 个)。"),
    "refuse.zip_size": ("The zip unpacks to more than {limit}.", "zip 解压后超过 {limit}。"),
    "refuse.zip_path": ("The zip holds an unsafe path: {name}", "zip 中含有不安全的路径:{name}"),
    "refuse.zip_link": ("The zip holds a symbolic link: {name}", "zip 中含有符号链接:{name}"),
    "refuse.zip_extra": ("Only config.json and model.safetensors are accepted (found {name}).",
                         "只接受 config.json 和 model.safetensors(发现了 {name})。"),
    "refuse.zip_missing": ("The zip must hold config.json and model.safetensors, at its top or in one folder.",
                           "zip 必须包含 config.json 和 model.safetensors,放在顶层或同一个文件夹中。"),
    "refuse.no_session": ("No session: reload the page.", "没有会话:请刷新页面。"),
    "refuse.unknown_model": ("Unknown model {key}.", "未知模型 {key}。"),
    "step.label": ("Training step", "训练步数"),
    "step.info": ("This model kept its weights at each evaluation: every tab shows it as it was at the step you pick "
                  "(right end: the final weights).",
                  "这个模型在每次评估时都保存了权重:所有标签页都会显示它在所选步数时的样子(最右端:最终权重)。"),
    "step.at": ("**step {step}** · train {train} · val {val}", "**第 {step} 步** · 训练集 {train} · 验证集 {val}"),
    "step.final": ("**final weights** (step {step})", "**最终权重**(第 {step} 步)"),
    "steps.text_at": ("step {step} · val {val}", "第 {step} 步 · 验证集 {val}"),
    "steps.text_final": ("final weights (step {step}) · val {val}", "最终权重(第 {step} 步)· 验证集 {val}"),
    "steps.thinned": ("{n} earlier snapshots were thinned out to keep this session's memory within its budget.",
                      "为了让本次会话的内存不超出预算,较早的 {n} 个快照已被抽稀。"),
    "refuse.upload_too_big": ("This checkpoint's model has {params} parameters; this server takes at most {limit}.",
                              "这个检查点的模型有 {params} 个参数;本服务器最多接受 {limit} 个。"),
    "refuse.no_timeline": ("{model} has no timeline: only its final weights exist (a run trained here keeps one, "
                           "and so does a checkpoint saved with it).",
                           "{model} 没有训练时间线:只有最终的权重(在这里训练的模型会保存时间线,带时间线保存的检查点也有)。"),
    "refuse.no_step": ("No snapshot at step {step}; the timeline has steps {steps}.",
                       "第 {step} 步没有快照;时间线中的步数为 {steps}。"),
    "refuse.prompt_long": ("The prompt is longer than {limit} characters.", "提示文本超过 {limit} 个字符。"),
    # the prompt box every model-reading tab shares (explorer/prompts.py)
    "inside.prompt": ("Prompt", "提示文本"),
    "inside.prompt.info": ("only the model's own characters; the last block_size of them are used",
                           "只能用模型词表里的字符;只取最后 block_size 个"),
    "inside.drop": ("Remove unknown characters", "删除未知字符"),
    "inside.unknown": ("The model's vocabulary has no {chars}. Remove them, or pick a model trained on them.",
                       "模型的词表里没有 {chars}。请删除它们,或换一个见过这些字符的模型。"),
    "inside.empty": ("Empty prompt: starting from token 0 (the newline), as the lecture's generate() does.",
                     "输入为空:和课程里的 generate() 一样,从第 0 个 token(换行符)开始。"),
    "inside.cropped": ("The prompt is longer than block_size {block_size}: only its last {block_size} characters "
                       "are used ({n} dropped from the front).",
                       "输入长于 block_size {block_size}:只使用最后 {block_size} 个字符(开头去掉了 {n} 个)。"),
    "inside.no_model": ("No model yet: pick one at the top, train one or upload a checkpoint.",
                        "还没有模型:请在顶部选择、先训练一个,或上传检查点。"),
    "inside.prompt_type": ("The prompt must be text.", "输入必须是文本。"),
    "refuse.type": ("{field} must be {kind} (got {value}).", "{field} 必须是{kind}(收到 {value})。"),
    "kind.text": ("text", "文本"),
    "kind.whole": ("a whole number", "整数"),
    "kind.number": ("a number", "数字"),
    "kind.bool": ("true or false", "true 或 false"),
    "kind.list": ("a list", "列表"),
    "kind.object": ("an object", "对象"),
    "kind.file": ("an uploaded file", "上传的文件"),
    "kind.or": (" or ", "或"),
    "refuse.text_long": ("{field} is {n} characters long; at most {limit} are accepted.",
                         "{field} 长度为 {n} 个字符;最多接受 {limit} 个。"),
    "refuse.prompt_chars": ("The model does not know these characters: {chars}", "模型的词表中没有这些字符:{chars}"),
    # links that open a view, and presenter mode (explorer/links.py, explorer/present.py)
    "link.copy": ("Copy link to this view", "复制此视图的链接"),
    "link.url": ("Link to this view", "此视图的链接"),
    "link.url.info": ("Opens this tab with these settings (copied to the clipboard); the QR code holds the same link.",
                      "打开此标签页并恢复这些设置(已复制到剪贴板);二维码中是同一个链接。"),
    "link.notice": ("Part of this link could not be opened and was left out:", "此链接中有部分内容无法打开,已略过:"),
    "link.ignored": ("{key}={value}: {reason}", "{key}={value}:{reason}"),
    "link.no_tab": ("there is no such tab (the tabs: {tabs})", "没有这个标签页(可用的有:{tabs})"),
    "link.no_key": ("the tab {tab} has no such setting", "标签页 {tab} 没有这个设置"),
    "link.session_model": ("{model} exists only in this browser session, so a link cannot name it: the link opens "
                           "the default model.", "{model} 只存在于本次浏览器会话中,链接无法指向它:链接将打开默认模型。"),
    "link.qr_long": ("This link is {n} characters long, too long for a QR code: shorten the prompt or text for one.",
                     "这个链接有 {n} 个字符,太长,无法生成二维码:缩短提示文本即可。"),
    "present.label": ("Presenter mode", "演示模式"),
}

STRINGS: dict[str, dict[str, str]] = {key: {"en": en, "zh-CN": zh} for key, (en, zh) in _S.items()}


def add(strings: dict[str, tuple[str, str]]) -> None:
    """A feature's own strings (explorer/feature.py calls this when a feature is declared)."""
    clash = [k for k in strings if k in STRINGS and STRINGS[k] != {"en": strings[k][0], "zh-CN": strings[k][1]}]
    if clash:
        raise ValueError(f"i18n keys defined twice, differently: {sorted(clash)}")
    STRINGS.update({key: {"en": en, "zh-CN": zh} for key, (en, zh) in strings.items()})


def normalize_lang(lang) -> str:
    """"zh", "zh-CN", "zh-Hans", "中文" -> "zh-CN"; anything else -> "en"."""
    value = str(lang or "").strip().lower()
    return "zh-CN" if value.startswith("zh") or value == "中文" else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, /, **params) -> str:
    """The string for key in lang, with {placeholders} filled from params."""
    text = STRINGS[key][normalize_lang(lang)]
    return text.format(**params) if params else text
