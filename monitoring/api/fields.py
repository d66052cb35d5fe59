"""The stable field names of the API and of the open-data files, with their types and
their meaning in Turkish and English: one list that the serializers (schema
descriptions), the field reference page (/api/v1/alanlar/) and the open data's
``datapackage.json`` all read. A field is never renamed or removed in ``v1``; new fields
may be added at the end of a resource.

Types are Frictionless Table Schema types (integer, number, string, boolean, date, array).
"""

from __future__ import annotations

from typing import NamedTuple


class Field(NamedTuple):
    name: str
    type: str
    tr: str
    en: str


class Resource(NamedTuple):
    name: str
    tr: str
    en: str
    fields: tuple[Field, ...]

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


F = Field

_ID = F("id", "integer", "Kalıcı kimlik numarası.", "Permanent id.")
_PLAN = F("plan", "integer", "Planın kimliği (plans).", "The plan's id (plans).")
_THEME = F("theme", "integer", "Temanın kimliği (themes).", "The theme's id (themes).")
_ACTIVITY = F(
    "activity", "integer", "Faaliyetin kimliği (activities).", "The activity's id (activities)."
)
_CODE = F(
    "code",
    "string",
    "Plandaki kod, yazıldığı gibi; anahtar değildir (planlar kodları tekrarlar, atlar).",
    "The code as the plan writes it; not a key (plans repeat and skip codes).",
)
_POSITION = F("position", "integer", "Üst düzeyi içindeki sırası.", "Order inside its parent.")
_STATE = F(
    "state",
    "string",
    'Hücrenin durumu: value (sayı), na ("-": uygulanmaz/başlamadı), blank (boş), tbd '
    '("Toplantıda belli olacak": belirlenecek), text (metin, aşama). "-" hiçbir zaman 0 '
    "değildir.",
    'The cell\'s state: value (a number), na ("-": not applicable/not started), blank, tbd '
    '("to be decided"), text (a text milestone). A dash is never zero.',
)
_VALUE = F(
    "value",
    "number",
    "Sayı (ondalık ayırıcı nokta); state value değilse boş (null).",
    "The number (decimal point); empty (null) unless state is value.",
)
_RAW = F(
    "raw_text",
    "string",
    'Hücrenin kaynak metni, olduğu gibi ("50 Kadın 50 Erkek", "%8,2", "-").',
    'The cell\'s text as it was typed ("50 Kadın 50 Erkek", "%8,2", "-").',
)
_GROUP = F(
    "group",
    "integer",
    "Kişi grubunun kimliği (groups); grupsuz rakamda boş.",
    "The group of people's id (groups); empty for a figure without group.",
)
_GROUP_CODE = F(
    "group_code",
    "string",
    "Kişi grubunun kodu (kadin, erkek, kiz-cocugu...); grupsuz rakamda boş metin.",
    "The group's code (kadin, erkek, kiz-cocugu...); empty text without group.",
)
_YEAR = F("year", "integer", "Yıl.", "Year.")
_FIGURES = F(
    "figures",
    "string",
    "Bu yanıttaki gerçekleşmeler: approved (yalnızca onaylanmış, kamunun gördüğü) ya da all "
    "(onay bekleyenler de; yalnızca planın belediyesine).",
    "Which realizations this answer holds: approved (approved only, as the public sees "
    "them) or all (not yet approved too; the plan's own municipality only).",
)

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "municipalities",
        "Belediyeler (görülebilen planı olanlar)",
        "Municipalities (those with a plan you may see)",
        (
            _ID,
            F("name", "string", "Belediyenin adı.", "Name."),
            F("slug", "string", "Kısa ad.", "Short name."),
        ),
    ),
    Resource(
        "plans",
        "Eylem planları",
        "Action plans",
        (
            _ID,
            F("municipality", "integer", "Belediyenin kimliği.", "The municipality's id."),
            F("municipality_name", "string", "Belediyenin adı.", "The municipality's name."),
            F("title", "string", "Planın başlığı.", "Title."),
            F("first_year", "integer", "İlk yıl.", "First year."),
            F("last_year", "integer", "Son yıl.", "Last year."),
            F("version", "integer", "Sürüm (yeniden onaylanan planlar).", "Version."),
            F(
                "status",
                "string",
                "Planın durumu: draft, approved, in_force, completed, archived.",
                "The plan's status: draft, approved, in_force, completed, archived.",
            ),
            F("council_decision_date", "date", "Meclis karar tarihi.", "Council decision date."),
            F(
                "council_decision_number",
                "string",
                "Meclis karar numarası.",
                "Council decision number.",
            ),
            F("is_public", "boolean", "Herkese açık mı.", "Whether the plan is public."),
            F("theme_label", "string", "Tema düzeyinin plandaki adı.", "Name of level 1."),
            F("goal_label", "string", "Hedef düzeyinin adı (Hedef, Amaç).", "Name of level 2."),
            F(
                "strategy_label",
                "string",
                "Strateji düzeyinin adı; yoksa boş.",
                "Name of level 3; empty when none.",
            ),
            F("activity_label", "string", "Faaliyet düzeyinin adı (Faaliyet, Eylem).", "Name."),
            _FIGURES,
            F("dashboard_url", "string", "Gösterge panelindeki sayfası.", "Dashboard page."),
            F(
                "open_data_url",
                "string",
                "Açık veri zip dosyası; herkese açık olmayan planda boş.",
                "The open-data zip; empty for a plan that is not public.",
            ),
            F(
                "predecessor",
                "integer",
                "Bu planın sürdürdüğü önceki plan (görülebiliyorsa); yoksa boş.",
                "The plan this one follows (when visible to the caller); empty if none.",
            ),
            F(
                "kind",
                "string",
                "Kuşağı: boş (ilk plan), revision (yeni sürüm), next (sonraki dönem).",
                "Generation: empty (a first plan), revision, next (the following period).",
            ),
        ),
    ),
    Resource(
        "themes",
        "Temalar",
        "Themes",
        (_ID, _PLAN, _CODE, F("title", "string", "Başlık.", "Title."), _POSITION),
    ),
    Resource(
        "goals",
        "Hedefler (amaçlar)",
        "Goals (aims)",
        (_ID, _PLAN, _THEME, _CODE, F("title", "string", "Başlık.", "Title."), _POSITION),
    ),
    Resource(
        "strategies",
        "Stratejiler (hedefin altındaki düzey)",
        "Strategies (the level below a goal)",
        (
            _ID,
            _PLAN,
            _THEME,
            F("goal", "integer", "Hedefin kimliği (goals).", "The goal's id (goals)."),
            _CODE,
            F("title", "string", "Başlık.", "Title."),
            _POSITION,
        ),
    ),
    Resource(
        "units",
        "Birimler ve paydaşlar (görülebilen planlarda geçenler)",
        "Units and partners (those named in plans you may see)",
        (
            _ID,
            F("municipality", "integer", "Belediyenin kimliği.", "The municipality's id."),
            F("name", "string", "Ad.", "Name."),
            F(
                "kind",
                "string",
                "internal (belediye birimi), external (dış paydaş), collective (toplu ifade).",
                "internal (directorate), external (partner), collective (e.g. all directorates).",
            ),
        ),
    ),
    Resource(
        "groups",
        "Kişi grupları (kadın, erkek, kız çocuğu...)",
        "Groups of people (women, men, girls...)",
        (
            _ID,
            F("code", "string", "Kod.", "Code."),
            F("name", "string", "Ad.", "Name."),
            F("sex", "string", "female, male ya da boş.", "female, male or empty."),
            F(
                "age_band",
                "string",
                "child, youth, adult, elderly ya da boş.",
                "child, youth, adult, elderly or empty.",
            ),
            F("disability", "boolean", "Engelli grubu mu.", "A group of disabled people."),
        ),
    ),
    Resource(
        "activities",
        "Faaliyetler (eylemler)",
        "Activities (actions)",
        (
            _ID,
            _PLAN,
            _THEME,
            F("goal", "integer", "Hedefin kimliği; yoksa boş.", "The goal's id; empty if none."),
            F(
                "strategy",
                "integer",
                "Stratejinin kimliği; yoksa boş.",
                "The strategy's id; empty if none.",
            ),
            _CODE,
            _POSITION,
            F("title", "string", "Faaliyet.", "The activity."),
            F(
                "timing",
                "string",
                "short, medium, long (vade), range (yıl aralığı) ya da boş.",
                "short, medium, long (term), range (years) or empty.",
            ),
            F("start_year", "integer", "Başlangıç yılı.", "Start year."),
            F("end_year", "integer", "Bitiş yılı.", "End year."),
            F("timing_raw", "string", "Zamanlamanın kaynak metni.", "Timing as typed."),
            F(
                "responsible_units",
                "array",
                "Sorumlu birimlerin kimlikleri (units); CSV'de noktalı virgülle.",
                "Ids of the responsible units (units); semicolon-separated in CSV.",
            ),
            F(
                "partner_units",
                "array",
                "Destekçi/işbirliği kurumlarının kimlikleri; CSV'de noktalı virgülle.",
                "Ids of the partners; semicolon-separated in CSV.",
            ),
            F("responsible_raw", "string", "Sorumlu birim, kaynak metni.", "As typed."),
            F("partners_raw", "string", "Destekçi kurumlar, kaynak metni.", "As typed."),
        ),
    ),
    Resource(
        "indicators",
        "Göstergeler",
        "Indicators",
        (
            _ID,
            _PLAN,
            _THEME,
            _ACTIVITY,
            _POSITION,
            F("name", "string", "Gösterge.", "The indicator."),
            F("unit_of_measure", "string", "Ölçü birimi (sayı, %, kişi...).", "Unit of measure."),
            F(
                "value_type",
                "string",
                "count, percent, decimal, milestone (metin hedef).",
                "count, percent, decimal, milestone (a text target).",
            ),
            F(
                "accumulation",
                "string",
                "per_year (her yıl ayrı sayılır) ya da level (süregelen düzey).",
                "per_year (counted per year) or level (a running level).",
            ),
            F("direction", "string", "increase, decrease, keep.", "increase, decrease, keep."),
            F("baseline_value", "number", "Mevcut (başlangıç) değer.", "Baseline."),
            F("baseline_raw", "string", "Mevcut değerin kaynak metni.", "Baseline as typed."),
            F(
                "continues",
                "integer",
                "Önceki plandaki karşılığı (görülebiliyorsa); rakamları için "
                "realizations?lineage=<id>.",
                "The indicator it continues in the previous plan (when visible); its "
                "figures: realizations?lineage=<id>.",
            ),
        ),
    ),
    Resource(
        "targets",
        "Yıllık hedefler (grup başına bir satır)",
        "Yearly targets (one row per group)",
        (
            _ID,
            _PLAN,
            _THEME,
            _ACTIVITY,
            F(
                "indicator",
                "integer",
                "Göstergenin kimliği; hedef faaliyete verilmişse boş.",
                "The indicator's id; empty for a target given to the activity.",
            ),
            F(
                "level",
                "string",
                "indicator (göstergenin hedefi) ya da activity (faaliyetin hedefi).",
                "indicator (the indicator's target) or activity (the activity's).",
            ),
            _YEAR,
            _GROUP,
            _GROUP_CODE,
            _STATE,
            _VALUE,
            _RAW,
        ),
    ),
    Resource(
        "realizations",
        "Yıllık gerçekleşmeler (grup başına bir satır)",
        "Yearly realizations (one row per group)",
        (
            _ID,
            _PLAN,
            _THEME,
            _ACTIVITY,
            F("indicator", "integer", "Göstergenin kimliği.", "The indicator's id."),
            _YEAR,
            _GROUP,
            _GROUP_CODE,
            _STATE,
            _VALUE,
            _RAW,
            F(
                "milestone_done",
                "boolean",
                "Metin hedefli göstergede aşama tamamlandı mı; bilinmiyorsa boş.",
                "For a text target: whether the milestone is done; empty if unknown.",
            ),
            F("deviation_reason", "string", "Sapma nedeni.", "Reason for the deviation."),
            F(
                "note",
                "string",
                "Açıklama; kurum içi açıklama yalnızca planın belediyesine gösterilir.",
                "Note; an internal note is shown to the plan's own municipality only.",
            ),
            F(
                "note_internal",
                "boolean",
                "Gösterilen açıklama kurum içi mi (kamuya her zaman false).",
                "Whether the note shown is internal (always false for the public).",
            ),
            F(
                "approval",
                "string",
                "Onay durumu: draft, submitted, returned, approved (kamuya yalnızca approved).",
                "Approval: draft, submitted, returned, approved (the public: approved only).",
            ),
            F(
                "evidence_url",
                "string",
                "Kanıt bağlantısı; planın belediyesi dışında boş.",
                "Evidence link; empty outside the plan's municipality.",
            ),
            F(
                "has_evidence_file",
                "boolean",
                "Kanıt dosyası var mı; planın belediyesi dışında boş.",
                "Whether an evidence file exists; empty outside the plan's municipality.",
            ),
        ),
    ),
    Resource(
        "progress",
        "İlerleme: gösterge ve yıl başına, gösterge panelinin hesapladığı gibi",
        "Progress per indicator and year, as the dashboard computes it",
        (
            _PLAN,
            _THEME,
            _ACTIVITY,
            F("indicator", "integer", "Göstergenin kimliği.", "The indicator's id."),
            _YEAR,
            F(
                "status",
                "string",
                "achieved, milestone_done, on_track, behind, milestone_not_done, "
                "not_started, no_data.",
                "achieved, milestone_done, on_track, behind, milestone_not_done, "
                "not_started, no_data.",
            ),
            F("status_label", "string", "Durumun adı (sayfanın dilinde).", "Status label."),
            F(
                "rate",
                "number",
                "Gerçekleşme oranı, pay olarak (2.62 = %262; sınırlanmaz); yoksa boş.",
                "Achievement rate as a share (2.62 = 262 %; not capped); empty if none.",
            ),
            F("percent", "number", "Oran yüzde olarak, 0,1'e yuvarlı.", "Rate in %, to 0.1."),
            F(
                "target_value",
                "number",
                "Yılın hedefi (gruplar toplanır); sayı değilse boş.",
                "The year's target (groups added up); empty if not a number.",
            ),
            F("target_text", "string", "Hedef hücresinin metni.", "The target cell's text."),
            F(
                "realization_value",
                "number",
                "Yılın gerçekleşmesi (gruplar toplanır); sayı değilse boş.",
                "The year's realization (groups added up); empty if not a number.",
            ),
            F(
                "realization_text",
                "string",
                "Gerçekleşme hücresinin metni.",
                "The realization cell's text.",
            ),
            F(
                "has_realization",
                "boolean",
                'Gerçekleşme girildi mi (sayı, "-", belirlenecek ya da metin).',
                'Whether a realization was entered (a number, "-", tbd or a text).',
            ),
            _FIGURES,
        ),
    ),
)

BY_NAME = {r.name: r for r in RESOURCES}


def help_texts(resource: str) -> dict[str, str]:
    """Field name -> "Turkish. / English." for the schema's descriptions."""
    return {f.name: f"{f.tr} / {f.en}" for f in BY_NAME[resource].fields}
