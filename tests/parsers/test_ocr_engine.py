"""RapidOCR's internals that parsers/ocr.py relies on (through `RapidRecogniser`, the one place
that touches them), checked on the version installed: an update that moves them fails here,
not silently in a scan's scores. Crops are digits drawn with OpenCV's own font (no system font)."""
from __future__ import annotations

import pytest

pytest.importorskip("rapidocr_onnxruntime")
cv2 = pytest.importorskip("cv2")
np = pytest.importorskip("numpy")

from parsers.ocr import RapidEngine, RapidRecogniser  # noqa: E402

# more than one batch (RapidOCR batches 6), each of another width/height
FIGURES = ["90", "17", "305", "2024", "11", "98765", "4321", "1234567", "60", "7"]


def drawn(text: str):
    """One line of black digits on white, as a cell's crop is cut (a white margin around)."""
    size, _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.2, 2)
    image = np.full((size[1] + 24, size[0] + 24, 3), 255, dtype=np.uint8)
    cv2.putText(image, text, (12, size[1] + 12), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2, cv2.LINE_AA)
    return image


@pytest.fixture(scope="module")
def ocr():
    from rapidocr_onnxruntime import RapidOCR
    return RapidOCR()


@pytest.fixture(scope="module")
def crops():
    return [drawn(text) for text in FIGURES]


def test_the_recogniser_has_the_parts_the_adapter_drives(ocr, crops):
    recognizer = ocr.text_rec
    channels, height, width = recognizer.rec_image_shape
    assert channels == 3 and height > 0 and width > 0
    assert isinstance(recognizer.rec_batch_num, int) and 1 <= recognizer.rec_batch_num < len(crops)
    characters = RapidRecogniser(ocr).characters
    # CTC's blank first, then the dictionary (digits among it), the space last
    assert characters[0] == "blank" and characters[-1] == " "
    assert set("0123456789.-") <= set(characters)
    image = recognizer.resize_norm_img(crops[0], 5.0)
    assert image.shape == (3, height, int(height * 5.0))
    assert image.min() >= -1.0 and image.max() <= 1.0
    frames = recognizer.session(np.stack([image, recognizer.resize_norm_img(crops[1], 5.0)]).astype(np.float32))[0]
    # each frame a probability distribution over the classes (the CTC sum of _number_probability)
    assert frames.ndim == 3 and frames.shape[0] == 2 and frames.shape[2] == len(characters)
    assert np.allclose(frames.sum(axis=2), 1.0, atol=1e-3)
    decoded = recognizer.postprocess_op(frames)
    assert [text for text, _ in decoded] == FIGURES[:2]
    assert all(isinstance(score, float) and 0 < score <= 1 for _, score in decoded)


def test_the_adapter_reads_as_rapidocr_itself_reads(ocr, crops):
    own, _ = ocr.text_rec(crops)
    readings = sorted(RapidRecogniser(ocr).readings(crops), key=lambda reading: reading[0])
    assert [i for i, *_ in readings] == list(range(len(crops)))
    assert [text for _, _, text, _ in readings] == [text for text, _ in own] == FIGURES
    assert [score for *_, score in readings] == pytest.approx([score for _, score in own], abs=1e-4)


def test_the_engine_scores_each_number_by_its_probability(crops):
    """Through the adapter: each clean number read, its probability (a CTC sum, so at most 1) high."""
    read = RapidEngine().read(crops)
    assert [text for text, _ in read] == FIGURES
    assert all(0.95 <= score <= 1.0 for _, score in read), read
