import pytest
from django.contrib.auth import get_user_model


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo plans (the real seed plans) are in every test's database."""
    from monitoring.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "x-Parola-123")


@pytest.fixture
def admin_client_tr(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made in most tests: hashing their passwords with PBKDF2 cost about two
    seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's rolled-back transaction takes its data versions with it; a cache kept
    across tests would hand one test's snapshot to the next plan with the same id."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    """The same for the process's copies of rendered pages (monitoring.pagecache.local),
    under a name of its own: some modules replace ``_fresh_cache`` with theirs."""
    from monitoring import pagecache

    pagecache.local.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and evidence files go to a temporary folder, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


def make_role_user(username, role, municipality_name, unit_name=None):
    from django.contrib.auth.models import Group

    from plans.models import Municipality, Unit, UserProfile

    municipality = Municipality.objects.get(name=municipality_name)
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "Guclu-Parola-2024", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    unit = Unit.objects.get(municipality=municipality, name=unit_name) if unit_name else None
    UserProfile.objects.create(user=user, municipality=municipality, unit=unit)
    return user


@pytest.fixture
def roles(db):
    """Users of each role in two municipalities (Mersin and Büyükçekmece)."""
    from monitoring.roles import DIRECTORATE, EQUALITY_UNIT, MANAGER

    mersin, bc = "Mersin Büyükşehir Belediyesi", "Büyükçekmece Belediyesi"
    return {
        "equality": make_role_user("esitlik_m", EQUALITY_UNIT, mersin),
        "directorate": make_role_user(
            "mudurluk_m", DIRECTORATE, mersin, "Ulaşım Dairesi Başkanlığı"
        ),
        "manager": make_role_user("yonetici_m", MANAGER, mersin),
        "other_equality": make_role_user("esitlik_b", EQUALITY_UNIT, bc),
        "other_directorate": make_role_user(
            "mudurluk_b", DIRECTORATE, bc, "Kültür İşleri Müdürlüğü"
        ),
    }


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
