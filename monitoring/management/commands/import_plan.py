from django.core.management.base import BaseCommand, CommandError

from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError


class Command(BaseCommand):
    help = (
        "Bir plan tablosunu (.xlsx ya da Word belgesi .docx) içe aktarır: temalar, hedefler, "
        "stratejiler, faaliyetler, göstergeler, hedefler ve varsa gerçekleşmeler. Hepsi tek "
        "işlemde; hata olursa "
        "hiçbir şey kaydedilmez."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="plan tablosu (.xlsx) ya da planın Word belgesi (.docx)")
        parser.add_argument("--municipality", required=True, help="belediyenin adı")
        parser.add_argument("--title", help="planın başlığı (yoksa tablodaki başlık satırı)")
        parser.add_argument(
            "--year", type=int, help="“Gerçekleşme” sütununun yılı (yoksa başlık satırından)"
        )
        parser.add_argument("--first-year", type=int, help="planın ilk yılı")
        parser.add_argument("--last-year", type=int, help="planın son yılı")
        parser.add_argument(
            "--dry-run", action="store_true", help="yalnızca denetle ve özetle, kaydetme"
        )

    def handle(self, *args, **opts):
        try:
            with open(opts["file"], "rb") as fh:
                result = import_plan(
                    source=fh.read(),
                    municipality_name=opts["municipality"],
                    title=opts["title"],
                    year=opts["year"],
                    first_year=opts["first_year"],
                    last_year=opts["last_year"],
                    dry_run=opts["dry_run"],
                    file_name=opts["file"],
                )
        except FileNotFoundError as exc:
            raise CommandError(f"Dosya bulunamadı: {opts['file']}") from exc
        except WorkbookError as exc:
            raise CommandError("İçe aktarılamadı, hiçbir şey kaydedilmedi:\n" + str(exc)) from exc
        counts = ", ".join(f"{v} {k}" for k, v in result.summary.labelled_counts().items())
        head = "Deneme (kaydedilmedi)" if result.dry_run else f"Kaydedildi: {result.plan}"
        self.stdout.write(self.style.SUCCESS(f"{head}\n{counts}"))
        if result.report_year:
            self.stdout.write(f"Gerçekleşme yılı: {result.report_year}")
        if result.summary.new_units:
            self.stdout.write(
                f"Yeni birimler ({len(result.summary.new_units)}): "
                + "; ".join(result.summary.new_units)
            )
        for w in result.warnings:
            self.stdout.write(self.style.WARNING(f"Uyarı: {w}"))
