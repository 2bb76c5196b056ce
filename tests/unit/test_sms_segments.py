from __future__ import annotations

import itertools

import pytest

from server.hardware.sms.segments import (
    count_parts,
    encoding,
    fit,
    graphemes,
    split_parts,
    units,
)

VIRAMA = "\u09cd"


def _breaks_a_cluster(left: str, right: str) -> bool:
    """Would cutting between `left` and `right` split a grapheme cluster?"""
    seam = left[-1] + right[0]
    return graphemes(seam) == [seam]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your token is A-023. Counter 2.", "gsm7"),
        ("Price: 5€ {brackets} [and] ~tilde^ |pipe| \\", "gsm7"),
        ("Ça va? ¿Qué? Ñoño, Øre, ß, Δ", "gsm7"),
        ("আপনার টোকেন ক-০২৩", "ucs2"),
        ("Token A-023 আপনার", "ucs2"),
        ("Curly ‘quotes’", "ucs2"),
        ("ç lower-case c cedilla is not in GSM 03.38", "ucs2"),
        ("", "gsm7"),
    ],
)
def test_encoding_is_gsm7_only_when_every_character_is_in_the_tables(text, expected):
    assert encoding(text) == expected


def test_extension_characters_cost_two_septets():
    assert units("{}[]") == 8
    assert units("€") == 2
    assert count_parts("a" * 158 + "€") == 1
    assert count_parts("a" * 159 + "€") == 2


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries_are_160_alone_and_153_per_part(length, parts):
    assert count_parts("x" * length) == parts


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_bengali_boundaries_are_70_alone_and_67_per_part(length, parts):
    assert count_parts("ক" * length) == parts


def test_one_bengali_letter_makes_a_latin_text_ucs2():
    assert count_parts("x" * 70) == 1
    assert count_parts("x" * 69 + "ক") == 1
    assert count_parts("x" * 70 + "ক") == 2


def test_ucs2_counts_utf16_code_units_so_an_emoji_costs_two():
    assert units("🙂") == 2
    assert count_parts("ক" * 68 + "🙂") == 1
    assert count_parts("ক" * 69 + "🙂") == 2


def test_empty_text_is_no_parts():
    assert split_parts("") == []
    assert count_parts("") == 0


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("ক্ষ", ["ক্ষ"]),
        ("স্ত্রী", ["স্ত্রী"]),
        ("কি", ["কি"]),
        ("চাঁদ", ["চাঁ", "দ"]),
        ("য়", ["য়"]),  # য + nukta
        ("র\u200d্যাব", ["র\u200d্যা", "ব"]),  # ra-phala with ZWJ
        ("ক্\u200cষ", ["ক্\u200c", "ষ"]),  # ZWNJ asks for a visible virama: two clusters
        ("কৌ", ["কৌ"]),
        ("ক্ ষ", ["ক্", " ", "ষ"]),  # a virama before a space joins nothing
        ("ab", ["a", "b"]),
    ],
)
def test_graphemes_keep_bengali_conjuncts_and_signs_with_their_base(text, clusters):
    assert graphemes(text) == clusters


def test_splitting_never_breaks_a_conjunct_across_parts():
    # 3, 6 and 2 code units per cluster: the 67-unit edges fall inside clusters again and again.
    text = "ক্ষ" * 9 + "স্ত্রী" * 7 + "কি" * 11 + " ক্ষস্ত্রীকি" * 9
    parts = split_parts(text)
    assert len(parts) >= 3
    assert "".join(parts) == text
    assert all(units(part) <= 67 for part in parts)
    assert sum(len(graphemes(part)) for part in parts) == len(graphemes(text))
    for left, right in itertools.pairwise(parts):
        assert not left.endswith(VIRAMA)
        assert not _breaks_a_cluster(left, right)
    assert count_parts(text) == len(parts)


def test_grapheme_aware_split_may_take_one_part_more_than_a_naive_cut():
    # 22 × "ক্ষ" = 66 units, then "স্ত্রী" (6 units) cannot start in the first part's last unit.
    text = "ক্ষ" * 22 + "স্ত্রী" + "ক" * 62
    assert units(text) == 134  # a naive cut: exactly two parts
    assert count_parts(text) == 3


def test_gsm7_split_keeps_an_extension_character_whole():
    text = "a" * 152 + "€" + "b" * 10
    parts = split_parts(text)
    assert parts == ["a" * 152, "€" + "b" * 10]


def test_an_absurdly_long_cluster_is_still_cut_to_size():
    text = "ক" + "\u0981" * 200
    parts = split_parts(text)
    assert "".join(parts) == text
    assert all(units(part) <= 67 for part in parts)


def test_fit_leaves_a_text_that_fits_alone():
    text = "আপনার টোকেন ক-০২৩"
    assert fit(text, 1) is text


def test_fit_cuts_bengali_at_a_cluster_boundary_with_an_ellipsis():
    text = "স্ত্রী" * 40
    fitted = fit(text, 2)
    assert fitted.endswith("…")
    assert count_parts(fitted) == 2
    assert fitted[:-1] == "স্ত্রী" * (len(fitted[:-1]) // 6)
    assert count_parts(fitted[:-1] + "স্ত্রী" + "…") == 3  # as long as it can be


def test_fit_keeps_gsm7_in_gsm7_with_three_dots():
    text = "Your meeting with the Deputy Commissioner is at 10:30. " * 10
    fitted = fit(text, 1)
    assert fitted.endswith("...")
    assert encoding(fitted) == "gsm7"
    assert units(fitted) <= 160
    assert not fitted[:-3].endswith(" ")


def test_fit_refuses_zero_parts():
    with pytest.raises(ValueError):
        fit("x", 0)
