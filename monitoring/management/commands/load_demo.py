from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from monitoring.demo import load_demo

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "yeep-demo-2024"


class Command(BaseCommand):
    help = "Tohum belgelerden aktarılmış gerçek planları ve bir demo kullanıcı yükler."

    def add_arguments(self, parser):
        parser.add_argument("--no-user", action="store_true", help="Demo kullanıcı oluşturma.")

    def handle(self, *args, **options):
        for result in load_demo():
            plan = result.plan
            if result.summary is None:
                self.stdout.write(f"Zaten yüklü: {plan}")
                continue
            counts = ", ".join(f"{v} {k}" for k, v in result.summary.counts().items())
            self.stdout.write(self.style.SUCCESS(f"Yüklendi: {plan} — {counts}"))
        if not options["no_user"]:
            User = get_user_model()
            user, created = User.objects.get_or_create(
                username=DEMO_USERNAME,
                defaults={"is_staff": True, "is_superuser": True, "email": "demo@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            self.stdout.write(
                self.style.WARNING(
                    "\nDemo girişi: http://127.0.0.1:8000/admin/  "
                    f"kullanıcı: {DEMO_USERNAME}  parola: {DEMO_PASSWORD}\n"
                )
            )
