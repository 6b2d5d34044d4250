from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class VirtualciteConfig(AppConfig):
    name = "virtualcite"
    verbose_name = _("Cité directory")

    def ready(self) -> None:
        from virtualcite.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="virtualcite.sync_role_groups")
