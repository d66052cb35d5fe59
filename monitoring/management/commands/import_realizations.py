from django.core.management.base import BaseCommand, CommandError

from monitoring.excel.reader import WorkbookError
from monitoring.excel.realization_form import import_realizations
from plans.models import Plan

KIND_LABELS = {"new": "yeni", "changed": "değişen", "unchanged": "değişmeyen"}


class Command(BaseCommand):
    help = (
        "Bir yılın gerçekleşmelerini rapor/form çalışma kitabından okur; yeni, değişen ve "
        "değişmeyen satırları listeler ve (--dry-run yoksa) kaydeder."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--plan", type=int, help="plan numarası (dosyada gizli anahtar sütunu yoksa)"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **opts):
        plan = None
        if opts["plan"]:
            plan = Plan.objects.filter(pk=opts["plan"]).first()
            if plan is None:
                raise CommandError(f"{opts['plan']} numaralı plan yok.")
        try:
            with open(opts["file"], "rb") as fh:
                result = import_realizations(
                    source=fh.read(), year=opts["year"], plan=plan, dry_run=opts["dry_run"]
                )
        except FileNotFoundError as exc:
            raise CommandError(f"Dosya bulunamadı: {opts['file']}") from exc
        except WorkbookError as exc:
            raise CommandError("İçe aktarılamadı, hiçbir şey kaydedilmedi:\n" + str(exc)) from exc
        for line in result.lines:
            if line.kind == "unchanged":
                continue
            change = f"{line.old} → {line.new}" if line.kind == "changed" else line.new
            self.stdout.write(
                f"{line.sheet} {line.row}. satır · {line.activity_code} {line.indicator}: "
                f"{KIND_LABELS[line.kind]} {change}"
            )
        counts = ", ".join(f"{result.counts.get(k, 0)} {v}" for k, v in KIND_LABELS.items())
        head = "Deneme (kaydedilmedi)" if result.dry_run else "Kaydedildi"
        self.stdout.write(self.style.SUCCESS(f"{head}: {result.plan} {result.year}: {counts}"))
