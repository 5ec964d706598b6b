# Shared by the evaluation builders (udhr_eval.py, khpos_eval.py): which Khmer spellings are one
# word to a reader. The gold segmenters' word boundaries are never changed, only this identity.
import re


def same_spelling(w):
    """One spelling for spellings that render the same, so the gold does not count a document
    that writes the word the other way as not having it: subscript DA as subscript TA (្ដ/្ត
    look alike and both are common), subscript RO typed before another subscript moved after
    it, the two-piece vowels េ+ា and េ+ី as ោ and ើ, and invisible joiners dropped. These are
    spelling facts of Khmer Unicode, the same ones the analyzer applies (write_khmer_syllable)."""
    w = re.sub("[\u200b\u200c\u200d\u17b4\u17b5]", "", w)
    w = w.replace("\u17d2\u178a", "\u17d2\u178f")
    w = re.sub("(\u17d2\u179a)(\u17d2[\u1780-\u17a2])", r"\2\1", w)
    return w.replace("\u17c1\u17b6", "\u17c4").replace("\u17c1\u17b8", "\u17be")
