from decimal import Decimal

import pytest

from plans.text import (
    FigureState,
    parse_figure,
    parse_number,
    parse_timing,
    split_code,
    tr_capitalize,
    tr_fold,
    tr_sort_key,
)
from plans.unit_names import (
    closest_units,
    guess_unit_kind,
    loose_key,
    repair_turkish,
    split_units,
    unit_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("%8,2", Decimal("8.2")),
        ("%7.88", Decimal("7.88")),
        ("1.234,5", Decimal("1234.5")),
        ("1.100,50", Decimal("1100.50")),
        ("1.234", Decimal("1234")),
        ("12.5", Decimal("12.5")),
        ("987", Decimal("987")),
        ("0", Decimal("0")),
        ("%50", Decimal("50")),
        ("abc", None),
        ("-", None),
        ("", None),
    ],
)
def test_parse_number_reads_turkish_and_international_numbers(raw, expected):
    assert parse_number(raw) == expected


def test_dash_blank_tbd_text_and_zero_are_four_different_things():
    assert parse_figure("-").state == FigureState.NOT_APPLICABLE
    assert parse_figure("-").value is None
    assert parse_figure("").state == FigureState.BLANK
    assert parse_figure("Toplantıda belli olacak").state == FigureState.TBD
    assert parse_figure("Yönetmeliğin hazırlanması").state == FigureState.TEXT
    zero = parse_figure("0")
    assert (zero.state, zero.value) == (FigureState.VALUE, Decimal(0))


def test_percent_keeps_its_mark():
    fig = parse_figure("%8,2")
    assert (fig.value, fig.is_percent) == (Decimal("8.2"), True)


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        (
            "50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan Çocuğu",
            {"kadin": 50, "erkek": 50, "kiz-cocuk": 50, "oglan-cocuk": 50},
        ),
        ("25 Kadın Engelli 25 Erkek Engelli", {"engelli-kadin": 25, "engelli-erkek": 25}),
        ("30 kız çocuğu 30 oğlan çocuğu", {"kiz-cocuk": 30, "oglan-cocuk": 30}),
        (
            "20 erkek (veli) 20 kadın 50 kız öğrenci 50 erkek öğrenci",
            {"erkek": 20, "kadin": 20, "kiz-cocuk": 50, "oglan-cocuk": 50},
        ),
        ("60 Kadın", {"kadin": 60}),
    ],
)
def test_group_cells_split_into_numbers_per_group(raw, groups):
    fig = parse_figure(raw)
    assert fig.state == FigureState.VALUE
    assert {code: int(v) for code, v in fig.groups} == groups
    assert fig.raw == raw


def test_a_sentence_starting_with_a_number_is_a_milestone_not_a_number():
    fig = parse_figure("14 Mahallede kadın meclisinin kurulması")
    assert fig.state == FigureState.TEXT and fig.value is None


def test_count_words_are_not_groups():
    fig = parse_figure("25 çift")
    assert (fig.value, fig.groups) == (Decimal(25), [])


def test_turkish_case_folding():
    assert tr_fold("İSTİHDAM") == "istihdam"
    assert tr_fold("IŞIK") == "ışık"
    assert tr_fold("ÇOCUĞU ÖĞRENCİ") == "çocuğu öğrenci"


def test_turkish_sort_order():
    words = ["Zeytin", "Çorba", "Ilgaz", "İzmir", "Şile", "Cami", "Sivas", "Ödemiş", "Ordu"]
    assert sorted(words, key=tr_sort_key) == [
        "Cami",
        "Çorba",
        "Ilgaz",
        "İzmir",
        "Ordu",
        "Ödemiş",
        "Sivas",
        "Şile",
        "Zeytin",
    ]


def test_abbreviated_unit_names_share_a_key():
    assert unit_key("Sosyal Destek Hiz. Müd.") == unit_key("Sosyal Destek Hizmetleri Müdürlüğü")
    assert unit_key("Sosyal Destek Hizmetler Müdürlüğü") == unit_key(
        "SOSYAL DESTEK HİZMETLERİ MÜDÜRLÜĞÜ"
    )
    assert unit_key("Kadın Hizmetleri Müdürlüęü") == unit_key("Kadın Hizmetleri Müdürlüğü")


def test_run_together_units_are_split():
    assert split_units(
        "Sosyal Destek Hizmetler Müdürlüğü Sağlık İşleri Müdürlüğü Kültür İşleri Müdürlüğü"
    ) == ["Sosyal Destek Hizmetler Müdürlüğü", "Sağlık İşleri Müdürlüğü", "Kültür İşleri Müdürlüğü"]
    assert split_units("-") == []
    assert split_units("İlçe Sağlık Müdürlüğü\nİlçe Milli Eğitim Müdürlüğü") == [
        "İlçe Sağlık Müdürlüğü",
        "İlçe Milli Eğitim Müdürlüğü",
    ]


@pytest.mark.parametrize(
    ("raw", "code", "rest"),
    [
        ("1.1.1. Dijital şiddet", "1.1.1", "Dijital şiddet"),
        ("1.1.1 Dijital şiddet", "1.1.1", "Dijital şiddet"),
        ("3.2.3.Göçmen kadınlar", "3.2.3", "Göçmen kadınlar"),
        ("8.1 Eylem planı", "8.1", "Eylem planı"),
        ("Kodsuz faaliyet", "", "Kodsuz faaliyet"),
    ],
)
def test_activity_codes(raw, code, rest):
    assert split_code(raw) == (code, rest)


def test_timing():
    assert parse_timing("Kısa vade (6 ay)")["timing"] == "short"
    assert parse_timing("Uzun vade (24 ay)")["timing"] == "long"
    assert parse_timing("2023-2025") == {"timing": "range", "start_year": 2023, "end_year": 2025}


def test_capitalize_with_turkish_letters():
    assert tr_capitalize("İŞYERİ EĞİTİMİ") == "İşyeri eğitimi"
    assert tr_capitalize("ıSLAK ZEMİN") == "Islak zemin"
    assert tr_capitalize("KADIN İSTİHDAMI") == "Kadın istihdamı"
    assert tr_capitalize("") == ""


@pytest.mark.parametrize(
    ("raw", "units"),
    [
        ("Ruhsat ve Denetim Müdürlüğü", ["Ruhsat ve Denetim Müdürlüğü"]),
        ("İşletme ve İştirakler Müdürlüğü", ["İşletme ve İştirakler Müdürlüğü"]),
        ("Park ve Bahçeler Müdürlüğü", ["Park ve Bahçeler Müdürlüğü"]),
        (
            "Kültür ve Sosyal İşler Müdürlüğü, Sağlık İşleri Müdürlüğü",
            ["Kültür ve Sosyal İşler Müdürlüğü", "Sağlık İşleri Müdürlüğü"],
        ),
        (
            "Fen İşleri Müdürlüğü ve Zabıta Müdürlüğü",
            ["Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü"],
        ),
        (
            "Sosyal Destek Hizmetler Müdürlüğü Ruhsat ve Denetim Müdürlüğü",
            ["Sosyal Destek Hizmetler Müdürlüğü", "Ruhsat ve Denetim Müdürlüğü"],
        ),
        (
            "İnsan Kaynakları Müdürlüğü, Strateji ve Planlama Müdürlüğü Kadın Danışma Merkezi "
            "Eşitlik Birimi",
            [
                "İnsan Kaynakları Müdürlüğü",
                "Strateji ve Planlama Müdürlüğü",
                "Kadın Danışma Merkezi",
                "Eşitlik Birimi",
            ],
        ),
        # partners run together: plurals, "İlgili ...", one-word names
        (
            "İlgili STK’lar Meslek Odaları ve Dernekleri Üniversiteler Muhtarlar",
            ["İlgili STK’lar", "Meslek Odaları ve Dernekleri", "Üniversiteler", "Muhtarlar"],
        ),
        (
            "İBB Meslek Fabrikası Meslek ve Esnaf Odaları İŞKUR Üniversiteler Nar-Bel Şirketi",
            [
                "İBB Meslek Fabrikası",
                "Meslek ve Esnaf Odaları",
                "İŞKUR",
                "Üniversiteler",
                "Nar-Bel Şirketi",
            ],
        ),
        ("Türkiye Kadın Dernekleri Federasyonu", ["Türkiye Kadın Dernekleri Federasyonu"]),
        ("Kent Konseyi Kadın Meclisi", ["Kent Konseyi Kadın Meclisi"]),
        (
            "Ulusal Demokratik Enstitü (NDI) Tüm Müdürlükler",
            ["Ulusal Demokratik Enstitü (NDI)", "Tüm Müdürlükler"],
        ),
        ("Aile Müdürlüğü STK'lar", ["Aile Müdürlüğü", "STK'lar"]),
    ],
)
def test_unit_cells_split_between_names_never_inside_one(raw, units):
    assert split_units(raw) == units


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Saęlık İşleri Müdürlüğü", "Sağlık İşleri Müdürlüğü"),
        ("Ýþletme ve Ýþtirakler Müdürlüðü", "İşletme ve İştirakler Müdürlüğü"),
        ("KÃ¼ltÃ¼r Ä°ÅŸleri MÃ¼dÃ¼rlÃ¼ÄŸÃ¼", "Kültür İşleri Müdürlüğü"),
        ("Zabıta Müdürlüğü", "Zabıta Müdürlüğü"),
    ],
)
def test_mis_encoded_letters_are_repaired_and_share_the_key(broken, fixed):
    assert repair_turkish(broken) == fixed
    assert unit_key(broken) == unit_key(fixed)


def test_abbreviations_share_the_key():
    assert unit_key("Sosyal Destek Hiz.Müd.") == unit_key("Sosyal Destek Hizmetleri Müdürlüğü")
    assert unit_key("Kadın ve Aile Hiz. Dai. Bşk.") == unit_key(
        "Kadın ve Aile Hizmetleri Dairesi Başkanlığı"
    )
    assert unit_key("Zabita Md.") == unit_key("Zabita Müdürlüğü")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Ruhsat ve Denetim Müdürlüğü", "internal"),
        ("Ulaşım Dairesi Başkanlığı", "internal"),
        ("Kadın Danışma Merkezi", "internal"),
        ("Eşitlik Birimi", "internal"),
        ("Muhtarlık İşleri Müdürlüğü", "internal"),
        ("İl Sağlık Müdürlüğü", "external"),
        ("İlçe Milli Eğitim Müdürlüğü", "external"),
        ("AÇSHB İl Müdürlüğü", "external"),
        ("İBB Sosyal Hizmetler Daire Başkanlığı", "external"),
        ("İzmir Büyükşehir Belediyesi", "external"),
        ("İlçe Kaymakamlığı", "external"),
        ("Muhtarlıklar", "external"),
        ("STK'lar", "external"),
        ("Ege Üniversitesi", "external"),
        ("Mor Çatı", "external"),
        ("Tüm Müdürlükler", "collective"),
        ("Belediye Üst Yönetimi", "collective"),
    ],
)
def test_directorates_and_outside_partners(name, kind):
    assert guess_unit_kind(name) == kind


def test_the_closest_known_unit_is_proposed():
    known = [
        (loose_key(n), n)
        for n in (
            "Sosyal Destek Hizmetleri Müdürlüğü",
            "Kültür İşleri Müdürlüğü",
            "Yazı İşleri Müdürlüğü",
            "İlçe Sağlık Müdürlüğü",
        )
    ]
    best = closest_units("Sosyal Destek Hizm. Müdürlüğü", known)
    assert best[0][1] == "Sosyal Destek Hizmetleri Müdürlüğü" and best[0][0] >= 0.85
    assert [u for _s, u in closest_units("Kültür İşleri Md", known)][0] == "Kültür İşleri Müdürlüğü"
    # a different body, not a spelling: never chosen in advance
    assert all(s < 0.85 for s, _u in closest_units("İl Sağlık Müdürlüğü", known))
    assert closest_units("Akıllı Şehir Müdürlüğü", known) == []
