from django.core.management.base import BaseCommand, CommandError

from monitoring.chasing import send_reminders
from monitoring.workflow import open_year
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Açık yılın gerçekleşmelerini henüz girmemiş birimlerin iletişim adreslerine, "
        "eksik göstergelerinin listesini e-postayla gönderir."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, help="yalnızca bu plan (yoksa yürürlükteki bütün planlar)"
        )
        parser.add_argument("--year", type=int, help="yıl (yoksa planın açık yılı)")
        parser.add_argument("--dry-run", action="store_true", help="göndermeden listele")

    def handle(self, *args, **opts):
        plans = Plan.objects.select_related("municipality")
        if opts["plan"]:
            plans = plans.filter(pk=opts["plan"])
            if not plans:
                raise CommandError(f"{opts['plan']} numaralı plan yok.")
        else:
            plans = plans.filter(status__in=[Plan.Status.APPROVED, Plan.Status.IN_FORCE])
        for plan in plans:
            year = opts["year"] or open_year(plan)
            if year not in plan.years:
                raise CommandError(f"{year} yılı “{plan}” planının dönemi dışında.")
            result = send_reminders(plan, year, dry_run=opts["dry_run"])
            verb = "gönderilecek" if opts["dry_run"] else "gönderildi"
            self.stdout.write(f"{plan} — {year}: {len(result.sent)} birime hatırlatma {verb}.")
            for unit, emails in result.sent:
                self.stdout.write(f"  {unit.name}: {', '.join(emails)}")
            for unit in result.no_contact:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {unit.name}: e-posta adresi yok, hatırlatma gönderilemedi."
                    )
                )
