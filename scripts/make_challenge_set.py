"""Write `sentiment_nb/data/challenge/negation.csv`, the negation and contrast challenge set (notebook 07).

Every sentence comes from the lists and templates below, written by hand for this project. Each
template is filled with every word of its lists, so the set is balanced by construction: as many
positive as negative sentences in every category. It is a diagnostic for trained models, never
training data. Run `python scripts/make_challenge_set.py` to rebuild it (the result is the same
every time; a test builds it under `--out` and checks that the shipped file matches).
"""
import argparse
import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent/"sentiment_nb"/"data"/"challenge"/"negation.csv"

POSITIVE = ["good", "great", "funny", "entertaining", "interesting", "enjoyable", "moving", "clever", "exciting", "memorable"]
NEGATIVE = ["bad", "boring", "dull", "awful", "terrible", "disappointing", "predictable", "stupid", "forgettable", "pointless"]
PARTS = ["acting", "music", "plot", "dialogue"]

NEGATED = ["This movie is not {}.", "I don't think this film is {}.", "The story was never {}.",
           "Honestly, it isn't {} at all.", "Nobody could call this film {}."]
DOUBLE = ["I can't say it wasn't {}.", "It is not true that the film is not {}.", "There wasn't a single scene that wasn't {}."]
CONTRAST = ["The {part} is {a}, but the movie is {b}.", "Although the {part} is {a}, the film is {b}.",
            "Despite the {a} {part}, the movie is {b}.", "The {part} is {a}; however, the film as a whole is {b}.",
            "It starts {a} but ends up {b}."]
PLAIN = ["This movie is {}.", "The film was {} from start to finish.", "I found the whole thing {}."]

HEDGES = [  # (text, label): written one by one
    ("It could have been a great film.", 0), ("I really wanted to like this movie.", 0),
    ("On paper it should have been good.", 0), ("I expected a lot more from this director.", 0),
    ("It tries very hard to be funny.", 0), ("The trailer was better than the movie.", 0),
    ("I was hoping for something special.", 0), ("The idea had potential.", 0),
    ("No amount of good acting could save this script.", 0), ("Not even the music could save it.", 0),
    ("If only the ending were as good as the start.", 0), ("The best thing about this film is the poster.", 0),
    ("I have seen worse, but not by much.", 0), ("It is not the worst film ever, but it comes close.", 0),
    ("Some good moments cannot hide a lazy script.", 0),
    ("I expected to hate it, but I loved it.", 1), ("I went in with low expectations and was pleasantly surprised.", 1),
    ("It is far better than I feared.", 1), ("I had my doubts, yet it won me over.", 1),
    ("I did not expect to enjoy it this much.", 1), ("It is hardly perfect, yet I loved every minute.", 1),
    ("Not perfect, but well worth your time.", 1), ("It is no masterpiece, but it is a lot of fun.", 1),
    ("Few films manage to be this moving.", 1), ("It is not often that a sequel is this good.", 1),
    ("I was wrong to doubt this film.", 1), ("Nothing prepared me for how good it is.", 1),
    ("You will not regret watching it.", 1), ("I never get tired of watching it.", 1),
    ("Don't miss this one.", 1),
]

def rows():
    for words, label in ((POSITIVE, 0), (NEGATIVE, 1)):  # a negated positive is negative, and the other way round
        for template in NEGATED:
            for word in words: yield template.format(word), label, "negated " + ("positive" if label == 0 else "negative")
    for words, label in ((POSITIVE, 1), (NEGATIVE, 0)):
        for template in DOUBLE:
            for word in words[:5]: yield template.format(word), label, "double negation"
        for template in PLAIN:
            for word in words: yield template.format(word), label, "plain (no negation)"
    for k, template in enumerate(CONTRAST):  # the clause after the contrast word decides
        for j in range(16):
            a, b, label = (POSITIVE, NEGATIVE, 0) if j % 2 == 0 else (NEGATIVE, POSITIVE, 1)
            yield template.format(part=PARTS[(j + k) % len(PARTS)], a=a[(j // 2 + 3 * k) % 10], b=b[(j // 2 + 5 * k + 1) % 10]), label, "contrast"
    for text, label in HEDGES: yield text, label, "hedge"

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"the CSV file to write (default: {OUT})")
    out = parser.parse_args(argv).out
    data = list(rows())
    assert len({t for t, _, _ in data}) == len(data), "every sentence once"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label", "category"]); w.writerows(data)
    print(f"{len(data)} sentences, {sum(l for _, l, _ in data)} positive -> {out}")

if __name__ == "__main__": main()
