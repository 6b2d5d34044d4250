from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Counselling desk")

    def ready(self) -> None:
        """Declare the desk to the realtime layer: its state, its event handlers (in this
        order: figures before frames, metrics last) and its core's refusals."""
        from chat.core.errors import DeskError
        from chat.core.model import DeskState
        from chat.errors import detail
        from chat.figures import VisitFigures
        from chat.metrics import OfferMetrics
        from chat.publisher import DeskPublisher
        from chat.runtime import DESK_APP
        from virtualcite.realtime.errors import register_refusals
        from virtualcite.realtime.runtime import AppSpec, register

        register(AppSpec(name=DESK_APP, state_factory=DeskState,
                         handlers=(VisitFigures, DeskPublisher, OfferMetrics)))
        register_refusals(DeskError, detail=detail)
