# Shared by the evaluation builders (udhr_eval.py, khpos_eval.py): which Khmer spellings are one
# word to a reader, and how query words are sorted by syllables. The gold segmenters' word
# boundaries are never changed, only this identity.
import re


def khmer_letter(c):
    return "\u1780" <= c <= "\u17B3"


def khmer_only(w):
    """Khmer characters only, with at least one letter (not a number or a sign)."""
    return all("\u1780" <= c <= "\u17DD" for c in w) and any(khmer_letter(c) for c in w)


def syllables(w):
    """Orthographic syllables: a base letter that does not follow COENG starts one (the rule of
    the analyzer's `khmer_syllable_count`)."""
    n, prev = 0, ""
    for c in w:
        if khmer_letter(c) and prev != "\u17D2":
            n += 1
        prev = c
    return n


def _variants():
    """The listed words written two ways, NIKAHIT spelling -> MO spelling (សំរាប់ -> សម្រាប់):
    data/khmer_spelling_variants.tsv, the list the analyzer folds by (src/search/khmer_variants.rs)."""
    import os
    path = os.path.join(os.path.dirname(__file__), '..', '..', 'data', 'khmer_spelling_variants.tsv')
    out = {}
    for row in open(path, encoding='utf-8'):
        if row.startswith('#') or not row.strip():
            continue
        mo, nikahit = row.rstrip('\n').split('\t')[:2]
        out[nikahit] = mo
    return out


VARIANTS = _variants()


def same_spelling(w):
    """One spelling for spellings that render the same, so the gold does not count a document
    that writes the word the other way as not having it: subscript DA as subscript TA (្ដ/្ត
    look alike and both are common), subscript RO typed before another subscript moved after
    it, the two-piece vowels េ+ា and េ+ី as ោ and ើ, and invisible joiners dropped. These are
    spelling facts of Khmer Unicode, the same ones the analyzer applies (write_khmer_syllable);
    and the two spellings of the listed words below."""
    w = re.sub("[\u200b\u200c\u200d\u17b4\u17b5]", "", w)
    w = w.replace("\u17d2\u178a", "\u17d2\u178f")
    w = re.sub("(\u17d2\u179a)(\u17d2[\u1780-\u17a2])", r"\2\1", w)
    w = w.replace("\u17c1\u17b6", "\u17c4").replace("\u17c1\u17b8", "\u17be")
    # A word with two accepted spellings of one sound (NIKAHIT before a consonant, or MO with it
    # below: សំរាប់ / សម្រាប់) is one word to a reader too, though the two do not render alike:
    # the words of data/khmer_spelling_variants.tsv, whole.
    return VARIANTS.get(w, w)
