import pytest

from synthsieve.provenance.disclosure import (
    AI_GENERATORS,
    SELF_DISCLOSURE,
    TRAINED_ALGORITHMIC_MEDIA,
    disclosure_markers,
)

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("As an AI language model, I cannot browse the internet.", "phrase:as_an_ai_language_model"),
        ("AS AN AI\nLANGUAGE   MODEL I must decline.", "phrase:as_an_ai_language_model"),
        ("As an artificial intelligence model, I have no body.", "phrase:as_an_ai_language_model"),
        ("Als KI-Sprachmodell kann ich keine Meinung haben.", "phrase:as_an_ai_language_model"),
        ("Als ein KI Sprachmodell habe ich keinen Zugriff.", "phrase:as_an_ai_language_model"),
        ("En tant que modèle de langage, je ne peux pas.", "phrase:as_an_ai_language_model"),
        ("Como modelo de lenguaje, no tengo opiniones.", "phrase:as_an_ai_language_model"),
        ("Como un modelo de lenguaje de IA no puedo navegar.", "phrase:as_an_ai_language_model"),
        ("As a large language model, I do not browse.", "phrase:as_a_large_language_model"),
        ("Als großes Sprachmodell weiß ich das nicht.", "phrase:as_a_large_language_model"),
        ("En tant que grand modèle de langage, je réponds.", "phrase:as_a_large_language_model"),
        ("As an AI developed by OpenAI, I strive to help.", "phrase:ai_developed_by"),
        ("I am ChatGPT, a large language model trained by OpenAI.", "phrase:ai_developed_by"),
        ("I'm an AI assistant created by Anthropic.", "phrase:ai_developed_by"),
        ("I am an AI language model and cannot feel.", "phrase:i_am_an_ai"),
        ("Sorry, I\u2019m just an AI assistant.", "phrase:i_am_an_ai"),
        ("I don't have personal opinions on politics.", "phrase:no_personal_opinions"),
        ("I do not have personal feelings or emotions.", "phrase:no_personal_opinions"),
        ("I don\u2019t have personal experiences, but here is a summary.", "phrase:no_personal_opinions"),
        ("My knowledge cutoff is September 2021.", "phrase:knowledge_cutoff"),
        ("That is after my training cut-off.", "phrase:knowledge_cutoff"),
        ("As of my last knowledge update in January 2022, the CEO was X.", "phrase:as_of_last_update"),
        ("As of my last update, prices were rising.", "phrase:as_of_last_update"),
    ],
)
def test_phrase_families(text, code):
    assert disclosure_markers(text) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I read an article about AI language models yesterday.",
        "ChatGPT is a large language model developed by OpenAI.",
        "As an AI researcher, I find language models fascinating.",
        "As an AI model trainer I label data all day.",
        "I am an AI researcher at a university.",
        "I'm an AI assistant developer.",
        "I don't have personal experience with this blender, but my sister loves it.",
        "I don't have personal feelings against him.",
        "The model's knowledge cutoff is 2023.",
        "ChatGPT funciona como modelo de lenguaje grande.",
        "Die Firma entwickelt ein KI-Sprachmodell für Ärzte.",
        "asanailanguagemodel",
    ],
)
def test_human_text_has_no_phrase(text):
    assert disclosure_markers(text) == []


def test_phrases_far_from_the_start_and_between_anchors():
    filler = "We walked to the market and bought bread. " * 30
    text = (
        "My knowledge cutoff is 2021. "
        + filler
        + "The model was updated. "
        + filler
        + "I do not have personal beliefs. "
        + "update " * 20
        + filler
        + "As of my\n\n last update, it rained."
    )
    assert disclosure_markers(text) == [
        "phrase:as_of_last_update",
        "phrase:knowledge_cutoff",
        "phrase:no_personal_opinions",
    ]


def test_codes_are_sorted_and_unique():
    text = "As an AI language model, I can't. My knowledge cutoff is 2021. As an AI language model, again."
    markers = disclosure_markers(text, "ChatGPT (OpenAI)", IPTC + "trainedAlgorithmicMedia")
    assert markers == [
        "iptc:trainedAlgorithmicMedia",
        "meta_generator:chatgpt",
        "meta_generator:openai",
        "phrase:as_an_ai_language_model",
        "phrase:knowledge_cutoff",
    ]


@pytest.mark.parametrize(
    ("generator", "name"),
    [
        ("ChatGPT", "chatgpt"),
        ("Chat GPT", "chatgpt"),
        ("GPT-4", "gpt"),
        ("gpt-3.5 turbo", "gpt"),
        ("GPT-4o", "gpt"),
        ("OpenAI API", "openai"),
        ("Claude 3 Opus", "claude"),
        ("Google Gemini", "gemini"),
        ("Bard", "bard"),
        ("Jasper", "jasper"),
        ("Jasper.ai", "jasper"),
        ("Copy.ai", "copy_ai"),
        ("Writesonic", "writesonic"),
        ("Rytr", "rytr"),
        ("AI Writer Pro", "ai_writer"),
        ("AI-Writer", "ai_writer"),
        ("Article Forge", "article_forge"),
        ("KoalaWriter", "koala"),
        ("Koala.sh", "koala"),
        ("Byword.ai", "byword"),
        ("Sudowrite", "sudowrite"),
    ],
)
def test_ai_generator(generator, name):
    assert disclosure_markers("", generator) == [f"meta_generator:{name}"]


@pytest.mark.parametrize(
    "generator",
    [
        "WordPress 6.4.2",
        "WordPress 6.4.2; Elementor 3.18",
        "Hugo 0.120.4",
        "Jekyll v4.3.2",
        "Ghost 5.71",
        "Drupal 10 (https://www.drupal.org)",
        "Joomla! - Open Source Content Management",
        "Wix.com Website Builder",
        "Site Kit by Google 1.114.0",
        "JasperReports Library version 6.20.0",
        "Jasper Reports Server 8.2",
        "Byword",  # the Markdown editor, not byword.ai
        "Koala",
        "MkDocs-1.5.3, mkdocs-material-9.4",
        "",
        None,
    ],
)
def test_non_ai_generator(generator):
    assert disclosure_markers("", generator) == []


@pytest.mark.parametrize(
    ("source_type", "expected"),
    [
        (IPTC + "trainedAlgorithmicMedia", ["iptc:trainedAlgorithmicMedia"]),
        ("trainedalgorithmicmedia", ["iptc:trainedAlgorithmicMedia"]),
        (f" {IPTC}compositeWithTrainedAlgorithmicMedia/ ", ["iptc:compositeWithTrainedAlgorithmicMedia"]),
        ("https://schema.org/TrainedAlgorithmicMediaDigitalSource", ["iptc:trainedAlgorithmicMedia"]),
        ("schema:CompositeWithTrainedAlgorithmicMediaDigitalSource", ["iptc:compositeWithTrainedAlgorithmicMedia"]),
        ("digsrctype:trainedAlgorithmicMedia", ["iptc:trainedAlgorithmicMedia"]),
        (IPTC + "compositeSynthetic", []),
        (IPTC + "algorithmicMedia", []),
        (IPTC + "algorithmicallyEnhanced", []),
        (IPTC + "digitalCapture", []),
        ("", []),
        (None, []),
    ],
)
def test_iptc_source_type(source_type, expected):
    assert disclosure_markers("", None, source_type) == expected


def test_public_constants():
    assert {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"} == TRAINED_ALGORITHMIC_MEDIA
    assert set(SELF_DISCLOSURE.groupindex) == {
        "ai_developed_by",
        "as_an_ai_language_model",
        "as_a_large_language_model",
        "i_am_an_ai",
        "no_personal_opinions",
        "knowledge_cutoff",
        "as_of_last_update",
    }
    assert AI_GENERATORS.search("Powered by ChatGPT").lastgroup == "chatgpt"


def _openers(pattern: str) -> set[str]:
    """First characters of a pattern built from literal words, ``(?:...)`` groups and ``|`` (what the families use
    at their start); fails on anything else there, such as an optional leading group."""
    branches, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0) if pattern[i - 1 : i] != "\\" else 0
        if char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    firsts = set()
    for branch in branches:
        if branch.startswith("(?:"):
            end = _group_end(branch)
            assert branch[end + 1 : end + 2] not in ("?", "*"), branch
            firsts |= _openers(branch[3:end])
        else:
            assert branch[:1].isalpha(), branch
            firsts.add(branch[0])
    return firsts


def _group_end(text: str) -> int:
    """Index of the parenthesis that closes the group ``text`` opens with."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i
    raise ValueError(text)


def test_every_phrase_family_opens_with_a_letter_of_the_lookahead():
    from synthsieve.provenance.disclosure import _OPENERS, _PHRASE_FAMILIES

    for name, pattern in _PHRASE_FAMILIES.items():
        assert _openers(pattern) <= set(_OPENERS), name
    assert set().union(*map(_openers, _PHRASE_FAMILIES.values())) == set(_OPENERS)
