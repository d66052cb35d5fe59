from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.text import slugify

from monitoring.demo import load_demo
from monitoring.roles import DIRECTORATE, EQUALITY_UNIT, MANAGER
from plans.models import Municipality, Unit, UserProfile

DEMO_PASSWORD = "yeep-demo-2024"
MERSIN = "Mersin Büyükşehir Belediyesi"
# (user name, role, unit) for the Mersin demo users; "demo" is the platform administrator
DEMO_USERS = [
    ("demo", None, None),
    ("esitlik", EQUALITY_UNIT, None),
    ("mudurluk", DIRECTORATE, "Ulaşım Dairesi Başkanlığı"),
    ("yonetici", MANAGER, None),
]


class Command(BaseCommand):
    help = "Tohum belgelerden aktarılmış gerçek planları ve her rol için bir demo kullanıcı yükler."

    def add_arguments(self, parser):
        parser.add_argument("--no-user", action="store_true", help="Demo kullanıcı oluşturma.")

    def handle(self, *args, **options):
        for result in load_demo():
            plan = result.plan
            if result.summary is None:
                self.stdout.write(f"Zaten yüklü: {plan}")
                continue
            counts = ", ".join(f"{v} {k}" for k, v in result.summary.labelled_counts().items())
            self.stdout.write(self.style.SUCCESS(f"Yüklendi: {plan} — {counts}"))
        if options["no_user"]:
            return
        mersin = Municipality.objects.get(name=MERSIN)
        for unit in Unit.objects.filter(
            municipality=mersin, kind=Unit.Kind.INTERNAL, contact_emails=""
        ):
            slug = slugify(unit.name.replace("ı", "i"))[:40]
            Unit.objects.filter(pk=unit.pk).update(contact_emails=f"{slug}@mersin.example.org")
        lines = []
        for username, role, unit_name in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": role is None,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                if role:
                    user.groups.add(Group.objects.get(name=role))
                    unit = (
                        Unit.objects.get(municipality=mersin, name=unit_name) if unit_name else None
                    )
                    UserProfile.objects.create(user=user, municipality=mersin, unit=unit)
            what = role or "platform yöneticisi"
            if unit_name:
                what += f" ({unit_name})"
            lines.append(f"  {username:9} / {DEMO_PASSWORD}   {what}")
        self.stdout.write(
            self.style.WARNING(
                "\nDemo girişi: http://127.0.0.1:8000/admin/  (pano: http://127.0.0.1:8000/)\n"
                + "\n".join(lines)
                + "\n"
            )
        )
