"""Which encoding a CSV file was saved in: the ones Excel and LibreOffice write are read,
anything else is refused in French, by name when it can be told."""

import codecs
import re


class EncodingRefused(ValueError):
    """An encoding the project does not read; the message is for the person uploading."""


# Characters a French file in Windows-1252 may hold beyond ASCII letters: the 0x80–0xBF
# block is mostly symbols, and Shift-JIS or another multi-byte encoding read as
# Windows-1252 is full of them (‚ƒ„ˆ‰‹›˜…).
CP1252_PLAUSIBLE = set("€‘’“”–—…•Œœ«»°²³ºª§µ£©®™·\xa0")
CP1252_SYMBOLS = set(bytes(range(0x80, 0xC0)).decode("cp1252", "ignore")) - CP1252_PLAUSIBLE
# Encodings we recognise only to name them in the refusal: (codec, French name, script test).
FOREIGN_ENCODINGS = [
    ("shift_jis", "Shift-JIS (japonais)", "cjk"),
    ("euc_jp", "EUC-JP (japonais)", "cjk"),
    ("gbk", "GBK (chinois)", "cjk"),
    ("big5", "Big5 (chinois)", "cjk"),
    ("euc_kr", "EUC-KR (coréen)", "cjk"),
    ("cp1251", "Windows-1251 (cyrillique)", "cyrillic"),
]
SCRIPTS = {
    "cjk": re.compile(r"[\u3000-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
}
UNKNOWN_ENCODING = "Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 »."


def decode(data: bytes) -> str:
    """The text of a CSV file in the encodings Excel and LibreOffice write: UTF-8 (with or
    without BOM), UTF-16 (« Texte Unicode », with or without BOM), Windows-1252. Anything
    else is refused, by name when we can tell it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_cp1252(text):
        return text
    name = _foreign_encoding(data)
    if name:
        raise EncodingRefused(
            f"Le fichier est encodé en {name}, un encodage non pris en charge : "
            "enregistrez-le en « CSV UTF-8 »."
        )
    raise EncodingRefused(UNKNOWN_ENCODING)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise EncodingRefused(UNKNOWN_ENCODING) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: text in Latin script has a zero byte in every other position."""
    sample = data[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > half * 0.4 and even.count(0) < half * 0.05:
        return "utf-16-le"
    if even.count(0) > half * 0.4 and odd.count(0) < half * 0.05:
        return "utf-16-be"
    return None


def _plausible_cp1252(text: str) -> bool:
    """Windows-1252 decodes almost any bytes: keep it only if the result reads as French."""
    beyond_ascii = [char for char in text if ord(char) > 0x7F]
    symbols = sum(1 for char in beyond_ascii if char in CP1252_SYMBOLS)
    return symbols < 3 or symbols < len(beyond_ascii) * 0.1


def _foreign_encoding(data: bytes) -> str | None:
    for codec, name, script in FOREIGN_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        beyond_ascii = [char for char in text if ord(char) > 0x7F]
        in_script = sum(1 for char in beyond_ascii if SCRIPTS[script].match(char))
        # A handful of characters is too little to tell an encoding by.
        if len(beyond_ascii) >= 4 and in_script >= len(beyond_ascii) * 0.8:
            return name
    return None
