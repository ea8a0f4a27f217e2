"""Many wishes into one project: the suggestions of a collection grouped by the
similarity of their Chinese text and place.

Words come from jieba's segmentation (its dictionary ships inside the package; nothing is
downloaded), weighted by TF-IDF (scikit-learn) together with character bigrams, which
catch what the segmenter splits differently ("路灯" / "灯不亮"). Two suggestions whose
cosine similarity reaches the threshold are linked; a group is a connected set of links.
"""

import logging
from dataclasses import dataclass

from core.models import Suggestion, SuggestionStatus

DEFAULT_THRESHOLD = 0.3
MAX_SUGGESTIONS = 2000  # one township's autumn, with room to spare
GROUPABLE = (SuggestionStatus.RECEIVED, SuggestionStatus.ACCEPTED, SuggestionStatus.POOLED)


@dataclass
class SuggestionGroup:
    suggestions: list

    @property
    def size(self) -> int:
        return len(self.suggestions)

    @property
    def title(self) -> str:
        """The group's name: its most frequent title (the earliest on a tie)."""
        titles = [s.title for s in self.suggestions]
        return max(titles, key=lambda t: (titles.count(t), -titles.index(t)))

    @property
    def locations(self) -> list[str]:
        return sorted({s.location for s in self.suggestions if s.location})

    @property
    def pks(self) -> list[int]:
        return [s.pk for s in self.suggestions]


def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)

    def tokens(text: str) -> list[str]:
        words = [w for w in jieba.lcut(text) if w.strip() and len(w) > 1]
        compact = "".join(ch for ch in text if not ch.isspace())
        bigrams = [compact[i : i + 2] for i in range(len(compact) - 1)]
        return words + bigrams

    return tokens


def _document(suggestion) -> str:
    # the title and the place count twice: they say what and where most tersely
    parts = [suggestion.title, suggestion.title, suggestion.text, suggestion.location]
    parts.append(suggestion.location)
    return " ".join(p for p in parts if p)


def group_texts(documents: list[str], threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Indices of the documents, grouped; groups by size, largest first."""
    if not documents:
        return []
    if len(documents) == 1:
        return [[0]]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(tokenizer=_tokenizer(), lowercase=False, token_pattern=None)
    matrix = vectorizer.fit_transform(documents)
    similar = cosine_similarity(matrix) >= threshold
    parent = list(range(len(documents)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, cols = similar.nonzero()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if i < j:
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(documents)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def suggestion_groups(
    jurisdiction, year: int, *, threshold: float = DEFAULT_THRESHOLD
) -> list[SuggestionGroup]:
    """The year's open suggestions of one jurisdiction, grouped by similarity."""
    suggestions = list(
        Suggestion.objects.filter(jurisdiction=jurisdiction, year=year, status__in=GROUPABLE)
        .select_related("category", "deputy", "station")
        .order_by("created", "pk")[:MAX_SUGGESTIONS]
    )
    indices = group_texts([_document(s) for s in suggestions], threshold)
    return [SuggestionGroup([suggestions[i] for i in group]) for group in indices]
