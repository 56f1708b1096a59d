"""The runs bench/compare.py plans: their names, the recipes they train and the runs each is made from."""
LSTM_MODELS = ("tutorial", "fast", "best", "attention")
W2V_SEED = 42  # every LSTM run starts from the same Word2Vec vectors; the seeds vary the LSTM's start and batches

# (model, negation, seeds), most important first: that is the order the runs start in
PLANS = {
    "full": [("tfidf", "none", [0]), ("tfidf", "scope", [0]),
             ("fast", "none", [42, 43, 44]), ("fast", "scope", [42, 43, 44]),
             ("attention", "none", [42, 43, 44]), ("attention", "scope", [42, 43, 44]),
             ("tutorial", "none", [42]), ("tutorial", "scope", [42]), ("best", "none", [42]), ("best", "scope", [42]),
             ("fast", "contractions", [42, 43, 44]), ("tfidf", "contractions", [0])],
    # issue 14, all float32: the levers one at a time (2 epochs, seed 42), then the chosen recipes with 3 seeds
    # (the third lever, CBOW, is the accuracy plan's fast-none-s42: fast2_headtail with word2vec_method="cbow")
    "levers": [("ngram", "none", [0]), ("fast2", "none", [42]), ("fast2_headtail", "none", [42]), ("fast2_embedlr", "none", [42])],
    "accuracy": [("ngram", "none", [0]), ("fast", "none", [42, 43, 44]), ("hybrid", "none", [42, 43, 44]),
                 ("fast_ensemble", "none", [0]), ("ngram", "scope", [0])],
    "smoke": [("tfidf", "none", [0]), ("ngram", "none", [0]), ("tiny", "none", [1, 2]), ("hybrid_tiny", "none", [1]),
              ("tiny_ensemble", "none", [0]), ("tiny_attention", "scope", [1])],  # the default: every kind of run, small
}


def run_name(model: str, negation: str, seed: int) -> str: return f"{model}-{negation}-s{seed}"

def parse_name(name: str) -> tuple[str, str, int]:
    model, negation, seed = name.rsplit("-", 2)
    return model, negation, int(seed[1:])


# a lever = a preset with some fields changed; "fast2" is `fast` as it was in version 0.4 (first 400 tokens, skip-gram),
# cut from 4 epochs to 2: the base the levers are measured from
FAST2 = {"epochs": 2, "truncation": "head", "word2vec_method": "skipgram"}
VARIANTS = {"fast2": ("fast", FAST2), "fast2_headtail": ("fast", {**FAST2, "truncation": "head_tail"}),
            "fast2_embedlr": ("fast", {**FAST2, "embed_lr": 0.1}),
            "tiny_attention": ("tiny", {"pooling": "attention", "bidirectional": True})}
HYBRIDS = {"hybrid": "fast", "hybrid_tiny": "tiny"}  # a hybrid mixes the LSTM run of the same seed with an n-gram model
ENSEMBLES = {"fast_ensemble": ("fast", [42, 43, 44]), "tiny_ensemble": ("tiny", [1, 2])}  # the mean logit of several seeds' runs
NOT_LSTM = ("tfidf", "ngram")
READINGS = {"as trained": "trained", "whole": None}  # how an LSTM reads a review: cut as in training, or whole (lstm_logits)


def parts(job: str) -> list[str]:
    "The runs whose saved models `job` is made from (none for a model trained by the job itself)."
    if job.startswith("w2v-"): return []
    model, negation, seed = parse_name(job)
    if model in HYBRIDS: return [run_name(HYBRIDS[model], negation, seed)]
    if model in ENSEMBLES: return [run_name(ENSEMBLES[model][0], negation, s) for s in ENSEMBLES[model][1]]
    return []


def train_config(model: str, negation: str, seed: int):
    "The preset a run starts from and its recipe: float32 everywhere (bf16 off), so the numbers hold on laptops without bfloat16."
    from sentiment_nb.config import get_preset
    preset, changes = VARIANTS.get(model, (model, {}))
    return preset, get_preset(preset, **changes, negation=negation, seed=seed, word2vec_seed=W2V_SEED, bf16=False)


def planned_runs(plan: str) -> list[str]:
    return [run_name(m, n, s) for m, n, seeds in PLANS[plan] for s in seeds]
