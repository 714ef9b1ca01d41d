"""Explicit AI-authorship disclosures: AI generator meta tags, IPTC digital source types, self-disclosing phrases."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Generator meta contents naming an AI writer; group name -> code suffix in ``meta_generator:<name>``.
# Ambiguous product names are anchored: JasperReports and the Byword Markdown editor are not AI writers.
AI_GENERATORS = re.compile(
    r"\b(?:"
    r"(?P<chatgpt>chat[\s-]?gpt)"
    r"|(?P<gpt>gpt[\s-]?(?:\d(?:\.\d)?o?|j|neo)\b)"
    r"|(?P<openai>open[\s-]?ai)"
    r"|(?P<claude>claude|anthropic)"
    r"|(?P<gemini>gemini)"
    r"|(?P<bard>bard)"
    r"|(?P<jasper>jasper(?:\.ai|\s+ai)?(?![\s-]*reports))"
    r"|(?P<copy_ai>copy\.ai)"
    r"|(?P<writesonic>writesonic)"
    r"|(?P<rytr>rytr)"
    r"|(?P<article_forge>article\s*forge)"
    r"|(?P<koala>koala(?:\.sh|\s*writer|\s*ai))"
    r"|(?P<byword>byword(?:\.ai|\s+ai))"
    r"|(?P<sudowrite>sudowrite)"
    r"|(?P<contentbot>contentbot)"
    r"|(?P<ai_writer>ai[\s-]?writer)"
    r")\b",
    re.IGNORECASE,
)

# IPTC digital source types (http://cv.iptc.org/newscodes/digitalsourcetype/) that mean generative-AI output.
# trainedAlgorithmicMedia is media made by a model trained on sampled content; compositeWithTrainedAlgorithmicMedia
# mixes such output into other media (inpainting, outpainting). Not included: compositeSynthetic (any synthetic
# element, e.g. CGI), algorithmicMedia (pure algorithm without training data), algorithmicallyEnhanced and
# dataDrivenMedia (non-generative processing or data visualisation).
TRAINED_ALGORITHMIC_MEDIA = frozenset({"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"})
_IRI_SEPARATOR = re.compile(r"[/:#]")
# Last IRI segment, lowercased: the IPTC term (bare, URI tail or QCode ``digsrctype:term``) or the schema.org
# enumeration name (``TrainedAlgorithmicMediaDigitalSource``) -> IPTC term.
_SOURCE_TYPE_TERMS = {
    spelling: term for term in TRAINED_ALGORITHMIC_MEDIA for spelling in (term.lower(), f"{term.lower()}digitalsource")
}


def _phrase(pattern: str) -> str:
    """Lets a space in a phrase match any whitespace run and ``'`` match a typographic apostrophe."""
    return pattern.replace(" ", r"\s+").replace("'", r"['\u2019]")


# Phrase families in which a text says it was written by an AI model; group name -> code ``phrase:<name>``.
# At one position the first family listed wins, so more specific families come first. First-person anchoring keeps
# texts about AI ("I read an article about AI language models") from matching, and _NOT_A_ROLE keeps people's job
# titles ("as an AI model trainer") out.
_NOT_A_ROLE = r"\b(?! (?:developer|engineer|researcher|trainer|designer|expert|company|startup|product)s?\b)"
_VENDORS = ("openai", "anthropic", "google", "meta", "microsoft")
_PHRASE_FAMILIES = {
    "ai_developed_by": r"(?:as|i am|i'm) (?:(?:chatgpt|claude|gemini|bard),? )?(?:an? )?"
    r"(?:ai|artificial intelligence|large language model|language model)(?: language model| model| assistant)?,? "
    rf"(?:developed|trained|created|built|made) by (?:{'|'.join(_VENDORS)})",
    "as_an_ai_language_model": rf"as an? (?:ai|artificial intelligence) (?:language |text )?model{_NOT_A_ROLE}"
    r"|als (?:ein )?(?:ki|ai)[-\u2010\u2011]?\s?sprachmodell"
    r"|en tant que mod[èe]le de langage"
    r"|como (?:un )?modelo de lenguaje(?: de (?:ia|inteligencia artificial)\b|,)",
    "as_a_large_language_model": r"as a large language model"
    r"|als gro(?:ß|ss)es sprachmodell"
    r"|en tant que grand mod[èe]le de langage",
    "i_am_an_ai": rf"(?:i am|i'm) (?:just |only )?an ai (?:language model|assistant|chatbot){_NOT_A_ROLE}",
    "no_personal_opinions": r"i (?:do not|don't) have (?:any )?personal "
    r"(?:(?:opinions|beliefs|emotions|preferences|experiences)\b|feelings (?:or|and) )",
    "knowledge_cutoff": r"my (?:knowledge|training(?: data)?) cut-?off",
    "as_of_last_update": r"as of my last (?:knowledge |training )?update",
}
# Every family opens with one of these letters (as, als, como, en, i, my). Python's re has no first-character scan for
# an alternation whose branches open with \b, so it tries every family at every position; a lookahead for these
# letters first rejects most positions with one test (4x faster, same matches).
_OPENERS = "aceim"
# Matches lowercased text: case-sensitive matching is twice as fast as re.IGNORECASE.
SELF_DISCLOSURE = re.compile(
    rf"(?=[{_OPENERS}])(?:"
    + "|".join(rf"(?P<{name}>\b(?:{_phrase(pattern)}))" for name, pattern in _PHRASE_FAMILIES.items())
    + ")"
)
# Over a whole text that is still ~50 µs per 2 KB. Each phrase contains one of these anchors, so
# SELF_DISCLOSURE only runs within _REACH characters of an anchor; _REACH exceeds the longest phrase and its lookahead.
_ANCHORS = ("model", "modèle", "assistant", "chatbot", "personal", "cutoff", "cut-off", "update") + _VENDORS
_REACH = 100


def disclosure_markers(text: str, generator: str | None = None, digital_source_type: str | None = None) -> list[str]:
    """Lists explicit AI-authorship disclosures of one document.

    Args:
        text: Extracted document text; searched case-insensitively for self-disclosing phrases.
        generator: ``<meta name="generator">`` contents.
        digital_source_type: IPTC digital source type as a term, URI or QCode, or a schema.org enumeration name.

    Returns:
        Sorted unique codes: ``meta_generator:<name>`` (group names of ``AI_GENERATORS``), ``iptc:<term>`` (a term of
        ``TRAINED_ALGORITHMIC_MEDIA``) and ``phrase:<family>`` (group names of ``SELF_DISCLOSURE``).
    """
    lowered = text.lower()
    markers = {
        f"phrase:{match.lastgroup}"
        for start, end in _anchor_windows(lowered)
        for match in SELF_DISCLOSURE.finditer(lowered, start, end)
    }
    if generator:
        markers.update(f"meta_generator:{match.lastgroup}" for match in AI_GENERATORS.finditer(generator))
    if digital_source_type:
        tail = _IRI_SEPARATOR.split(digital_source_type.strip().rstrip("/"))[-1].lower()
        if term := _SOURCE_TYPE_TERMS.get(tail):
            markers.add(f"iptc:{term}")
    return sorted(markers)


def _anchor_windows(lowered: str) -> list[tuple[int, int]]:
    """Returns the merged spans of ``lowered`` within ``_REACH`` characters of an anchor (str.find beats re here)."""
    windows: list[tuple[int, int]] = []
    for position, length in sorted(_find_all(lowered, _ANCHORS)):
        start, end = max(position - _REACH, 0), position + length + _REACH
        if windows and start <= windows[-1][1]:
            previous_start, previous_end = windows.pop()
            start, end = previous_start, max(end, previous_end)
        windows.append((start, end))
    return windows


def _find_all(text: str, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    for word in words:
        position = text.find(word)
        while position >= 0:
            yield position, len(word)
            position = text.find(word, position + 1)
