"""Roles as Django groups, and who may touch what.

- Eşitlik birimi (equality unit): manages its municipality's plans, reviews and approves
  realizations, opens and closes years.
- Müdürlük (directorate staff): enters and submits realizations only for activities its
  unit is responsible for.
- Yönetici (manager): reads everything of its municipality, drafts included; changes
  nothing.
- Platform administrators are superusers; the public sees public plans only.
"""

from __future__ import annotations

EQUALITY_UNIT = "Eşitlik birimi"
DIRECTORATE = "Müdürlük"
MANAGER = "Yönetici"

PLAN_MODELS = [
    "plan",
    "theme",
    "goal",
    "strategy",
    "activity",
    "indicator",
    "target",
    "unit",
    "unitalias",
]
CRUD = ["add", "change", "delete", "view"]
# the local gender profile (plans.gender_profile): the unit keeps it, managers read it
PROFILE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EQUALITY_UNIT: [
        *[("plans", f"{a}_profilefigure") for a in CRUD],
        ("plans", "view_profilemeasure"),
    ],
    DIRECTORATE: [("plans", "view_profilefigure"), ("plans", "view_profilemeasure")],
    MANAGER: [("plans", "view_profilefigure"), ("plans", "view_profilemeasure")],
}

ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EQUALITY_UNIT: [
        *[("plans", f"{a}_{m}") for m in PLAN_MODELS for a in CRUD],
        ("plans", "view_group"),
        ("plans", "view_municipality"),
        ("plans", "view_userprofile"),
        *[("monitoring", f"{a}_realization") for a in CRUD],
        ("monitoring", "submit_realization"),
        ("monitoring", "approve_realization"),
        ("monitoring", "close_year"),
        ("monitoring", "view_reportingyear"),
        ("monitoring", "view_yearevent"),
        ("monitoring", "view_figurechange"),
    ],
    DIRECTORATE: [
        *[("plans", f"view_{m}") for m in PLAN_MODELS],
        ("plans", "view_group"),
        ("monitoring", "add_realization"),
        ("monitoring", "change_realization"),
        ("monitoring", "view_realization"),
        ("monitoring", "submit_realization"),
        ("monitoring", "view_figurechange"),
    ],
    MANAGER: [
        *[("plans", f"view_{m}") for m in PLAN_MODELS],
        ("plans", "view_group"),
        ("plans", "view_municipality"),
        ("monitoring", "view_realization"),
        ("monitoring", "view_reportingyear"),
        ("monitoring", "view_yearevent"),
        ("monitoring", "view_figurechange"),
    ],
}
# (kept apart from ROLE_PERMISSIONS: migration 0004 gives those, before the profile's
# models exist; 0007_profile_roles adds these)


def ensure_roles() -> None:
    """Create the role groups and give them their permissions (idempotent). Run after
    every migrate, so a flushed test database or a new permission keeps them right."""
    from django.contrib.auth.models import Group, Permission

    perms = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(
            content_type__app_label__in=["plans", "monitoring"]
        ).select_related("content_type")
    }
    for role, wanted in ROLE_PERMISSIONS.items():
        wanted = [*wanted, *PROFILE_PERMISSIONS.get(role, [])]
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([perms[key] for key in wanted if key in perms])


def ensure_reference_data() -> None:
    """Groups of people and roles, as the data migrations create them: again after a
    flush (transactional browser tests empty every table)."""
    from plans.models import Group, ProfileMeasure
    from plans.profile_measures import DEFAULT_MEASURES
    from plans.text import DEFAULT_GROUPS

    for position, m in enumerate(DEFAULT_MEASURES, start=1):
        ProfileMeasure.objects.get_or_create(code=m["code"], defaults={**m, "position": position})
    existing = set(Group.objects.values_list("code", flat=True))
    for position, g in enumerate(DEFAULT_GROUPS, start=1):
        if g["code"] not in existing:
            Group.objects.create(
                code=g["code"],
                name=g["name"],
                sex=g["sex"],
                age_band=g["age_band"],
                disability=g["disability"],
                aliases="\n".join(g["aliases"]),
                position=position,
            )
    ensure_roles()
