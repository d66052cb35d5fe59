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
def _media_in_tmp(settings, tmp_path):
    """Uploaded and evidence files go to a temporary folder, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
