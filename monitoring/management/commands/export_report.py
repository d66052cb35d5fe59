from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring.excel.report import report_bytes
from monitoring.excel.report_pdf import report_pdf_bytes
from plans.models import Plan, Unit


class Command(BaseCommand):
    help = "Yıllık Gerçekleşme Raporunu Excel çalışma kitabı (ya da PDF) olarak yazar."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="yazılacak .xlsx/.pdf dosyası")
        parser.add_argument(
            "--format",
            choices=["xlsx", "pdf"],
            help="dosya türü (verilmezse çıktı dosyasının uzantısından; yoksa xlsx)",
        )
        parser.add_argument(
            "--unit", type=int, help="yalnızca bu birimin sorumlu olduğu faaliyetler"
        )
        parser.add_argument(
            "--empty",
            action="store_true",
            help="gerçekleşme sütunu boş (birimlere gönderilecek form)",
        )

    def handle(self, *args, **opts):
        plan = Plan.objects.select_related("municipality").filter(pk=opts["plan_id"]).first()
        if plan is None:
            raise CommandError(f"{opts['plan_id']} numaralı plan yok.")
        if opts["year"] not in plan.years:
            raise CommandError(
                f"{opts['year']} yılı planın dönemi ({plan.first_year}-{plan.last_year}) dışında."
            )
        unit = None
        if opts["unit"]:
            unit = Unit.objects.filter(pk=opts["unit"], municipality=plan.municipality).first()
            if unit is None:
                raise CommandError(f"{opts['unit']} numaralı birim bu belediyede yok.")
        kind = opts["format"] or ("pdf" if opts["output"].lower().endswith(".pdf") else "xlsx")
        write = report_pdf_bytes if kind == "pdf" else report_bytes
        data = write(plan, opts["year"], unit=unit, with_realizations=not opts["empty"])
        Path(opts["output"]).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Yazıldı: {opts['output']} ({len(data):,} bayt)"))
