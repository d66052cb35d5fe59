"""The measures of the local gender profile every municipality starts with (plain data:
the data migration and ``ensure_measures`` read it). Codes are the import sheet's keys."""

DEFAULT_MEASURES = [
    {"code": "nufus", "name": "Nüfus", "area_label": "Mahalle"},
    {"code": "meclis-uyesi", "name": "Belediye meclis üyeleri", "area_label": ""},
    {"code": "muhtar", "name": "Mahalle muhtarları", "area_label": "Mahalle"},
    {"code": "personel", "name": "Belediye personeli", "area_label": "Birim"},
    {"code": "yonetici", "name": "Yöneticiler", "area_label": "Unvan"},
]
