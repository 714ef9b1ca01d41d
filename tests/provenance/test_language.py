import numpy as np

from synthsieve.provenance.language import _PREFIX_CHARS, detect_languages


def test_detect_languages():
    codes, confidences = detect_languages(
        [
            "The weather was lovely today, so we walked along the river and had lunch in the park.",
            "Das Wetter war heute schön, deshalb sind wir am Fluss spazieren gegangen und haben im Park gegessen.",
            "Il faisait beau aujourd'hui, alors nous avons marché le long de la rivière et déjeuné dans le parc.",
            "Hoy hacía buen tiempo, así que caminamos junto al río y almorzamos en el parque con los niños.",
            "",
            " \n\t ",
        ]
    )
    assert codes == ["en", "de", "fr", "es", "und", "und"]
    assert confidences.dtype == np.float32
    assert confidences.shape == (6,)
    assert np.all(confidences[:4] > 0.5)
    assert np.all(confidences[4:] == 0.0)


def test_only_the_prefix_counts():
    german = ("Der Hund läuft schnell über die grüne Wiese. " * 50)[:_PREFIX_CHARS]
    codes, _ = detect_languages([german + "The dog runs quickly over the green meadow. " * 500])
    assert codes == ["de"]


def test_empty_batch():
    codes, confidences = detect_languages([])
    assert codes == []
    assert confidences.shape == (0,)
    assert confidences.dtype == np.float32


def test_non_linguistic_and_tiny_texts():
    codes, confidences = detect_languages(["12345 67890 +-*/", "Hola"])
    assert codes[0] == "zxx"
    assert confidences[1] < 0.1  # too short to carry features: a near-uniform guess


def test_batched_walk_matches_py3langid_text_by_text():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = [
        "Questo è un breve testo italiano sul tempo e sul mare, scritto per una prova.",
        "ÄÖÜ STRASSE IST GESPERRT WEGEN BAUARBEITEN BIS ENDE MAI",
        "日本語の短いテキストです。天気がいいので散歩に行きました。",
        "Короткий русский текст о погоде и о море для проверки.",
        "mixed text: the café served crème brûlée and 12 espressi",
        "a",
    ]
    codes, confidences = detect_languages(texts)
    expected = [reference.classify(t[:_PREFIX_CHARS]) for t in texts]
    assert codes == [code for code, _ in expected]
    assert np.allclose(confidences, [conf for _, conf in expected], atol=1e-5)
