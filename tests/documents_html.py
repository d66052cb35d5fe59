"""The three seed layouts as HTML tables (rowspan, colspan, <thead>, headings, running
text) from the demo transcriptions, for LibreOffice to turn into Word documents that
python-docx did not write: tests/data/*-libreoffice.docx, compared with the xlsx twins by
tests/test_docx_plans.py. Regenerate them (LibreOffice Writer needed) with

    .venv/bin/python -m tests.documents_html
"""

import html
import subprocess
import tempfile
from pathlib import Path

from . import workbooks as W

DATA = Path(__file__).resolve().parent / "data"


def esc(t):
    return html.escape(t or "").replace("\n", "<br>")


def td(text, rowspan=1, colspan=1, tag="td"):
    a = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<{tag}{a}>{esc(text)}</{tag}>"


def mersin():
    out = [f"<h1>{esc(W.MERSIN_TITLE)}</h1>", f"<h2>{esc(W.MERSIN_YEAR_TITLE)}</h2>"]
    acts = W.group_activities(W.load_tsv(W.MERSIN_TSV))
    header = (
        "<thead><tr>"
        + "".join(td(str(h).replace("\n", " "), tag="th") for h in W.MERSIN_HEADERS[0])
        + "</tr></thead>"
    )
    theme = goal = None
    open_table = False

    def close():
        nonlocal open_table
        if open_table:
            out.append("</tbody></table>")
            open_table = False

    for act in acts:
        if act["theme_code"] != theme:
            close()
            theme, goal = act["theme_code"], None
            out.append(f"<h3>{esc(W._mersin_theme_text(theme, act['theme_title']))}</h3>")
            if not act["goal_code"]:
                out.append(f'<table border="1">{header}<tbody>')
                open_table = True
        if act["goal_code"] and act["goal_code"] != goal:
            close()
            goal = act["goal_code"]
            out.append(f"<p><b>{esc(W._mersin_goal_text(goal, act['goal_title']))}</b></p>")
            out.append(f'<table border="1">{header}<tbody>')
            open_table = True
        n = len(act.rows)
        for i, r in enumerate(act.rows):
            cells = []
            if i == 0:
                cells += [
                    td(W._mersin_activity_text(act.code, act.title), n),
                    td(W._units(r["responsible"], "\n"), n),
                    td(W._units(r["partners"], "\n"), n),
                ]
            cells += [
                td(r[k]) for k in ("indicator", "baseline", "T:2024", "T:2025", "T:2026", "R:2024")
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
    close()
    return out


def narlidere():
    out = [
        "<h1>NARLIDERE YEREL EŞİTLİK EYLEM PLANI</h1>",
        "<h2>GİRİŞ</h2>",
        "<p>Narlıdere Belediyesi, Avrupa Yerel Yaşamda Kadın Erkek Eşitliği Şartı’nı imzalama "
        "kararını, Meclis onayıyla almış ve bu doğrultuda gerekli başvurular yapılmıştır. Bu "
        "bölümde planın yöntemi anlatılmaktadır.</p>",
    ]
    acts = W.group_activities(W.load_tsv(W.NARLIDERE_TSV))
    themes = {}
    for a in acts:
        themes.setdefault(a["theme_code"], []).append(a)
    for code, tacts in themes.items():
        title = tacts[0]["theme_title"]
        out.append(f"<h2>{W._NARLIDERE_CHAPTERS[code]} {esc(title)}</h2>")
        out.append(
            "<p>Yapılan görüşmelerde öne çıkan öneriler şu çözüm başlıkları ile "
            "özetlenebilmektedir ve bunlar aşağıdaki tabloda yer almaktadır.</p>"
        )
        out.append(f'<p align="center"><b>{esc(title)}</b></p>')
        dates, resp = W._NARLIDERE_HEADERS[code]
        hdr = [
            "AMAÇ",
            "HEDEF",
            "EYLEM",
            dates,
            resp,
            W._NARLIDERE_PARTNER_HEADERS[code],
            "Göstergeler",
        ]
        out.append(
            '<table border="1"><thead><tr>'
            + "".join(td(h.replace("\n", " "), tag="th") for h in hdr)
            + "</tr></thead><tbody>"
        )
        # spans
        aim_span, obj_span = {}, {}
        for i, a in enumerate(tacts):
            ak = (a["goal_code"], a["goal_title"])
            ok = ak + (a["strategy_code"], a["strategy_title"])
            aim_span.setdefault(ak, []).append(i)
            obj_span.setdefault(ok, []).append(i)
        for i, a in enumerate(tacts):
            ak = (a["goal_code"], a["goal_title"])
            ok = ak + (a["strategy_code"], a["strategy_title"])
            cells = []
            if aim_span[ak][0] == i:
                cells.append(td(f"{a['goal_code']}. {a['goal_title']}", len(aim_span[ak])))
            if obj_span[ok][0] == i:
                cells.append(td(f"{a['strategy_code']}. {a['strategy_title']}", len(obj_span[ok])))
            if a.code or a.title:
                cells += [
                    td(f"{a.code}. {a.title}"),
                    td(a["timing"]),
                    td(a["responsible"]),
                    td(a["partners"]),
                    td("\n".join(a.indicators)),
                ]
            else:
                cells += [td("")] * 5
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
    return out


def buyukcekmece():
    out = [f"<h1>{esc(W.BUYUKCEKMECE_TITLE)}</h1>"]
    acts = W.group_activities(W.load_tsv(W.BUYUKCEKMECE_TSV))
    seen = set()
    for a in acts:
        if a["theme_code"] not in seen:
            seen.add(a["theme_code"])
            out.append(
                f"<p><b>{a['theme_code']}. {esc(a['theme_title'])}</b></p>"
                f"<p>HEDEF {a['goal_code']}: {esc(a['goal_title'])}</p>"
            )
    strategy = None
    for a in acts:
        if a["strategy_code"] != strategy:
            if strategy:
                out.append("</tbody></table><p></p>")
            strategy = a["strategy_code"]
            out.append('<table border="1"><tbody>')
            out.append(
                "<tr>"
                + td("TEMA")
                + td(f"{a['theme_code']}.{a['theme_title']}", colspan=6)
                + "</tr>"
            )
            out.append(
                "<tr>" + td(f"STRATEJİ {strategy}.") + td(a["strategy_title"], colspan=6) + "</tr>"
            )
            out.append("<tr>" + "".join(td(h, tag="th") for h in W.BUYUKCEKMECE_HEADER) + "</tr>")
        names = [
            ("" if i in W._BUYUKCEKMECE_NO_DASH.get(a.code, ()) else "-") + n
            for i, n in enumerate(a.indicators)
        ]
        if not names and a.code in W._BUYUKCEKMECE_DASH_INDICATOR:
            names = ["-"]
        form = W._BUYUKCEKMECE_CODE_FORMS.get(a.code, "{code}. {text}")
        out.append(
            "<tr>"
            + "".join(
                td(x)
                for x in [
                    form.format(code=a.code, text=a.title),
                    a["timing"],
                    a["AT:2023"],
                    a["AT:2024"],
                    a["responsible"],
                    a["partners"],
                    "\n".join(names),
                ]
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return out


LAYOUTS = {"mersin": mersin, "narlidere": narlidere, "buyukcekmece": buyukcekmece}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, build in LAYOUTS.items():
            path = Path(tmp) / f"{name}-libreoffice.html"
            page = "\n".join(build())
            path.write_text(
                f'<html><head><meta charset="utf-8"></head><body>{page}</body></html>',
                encoding="utf-8",
            )
            paths.append(str(path))
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"]
            + [str(DATA), *paths],
            check=True,
            env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
        )


if __name__ == "__main__":
    main()
