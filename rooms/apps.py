from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = _("Group rooms")

    def ready(self) -> None:
        """Declare the rooms to the realtime layer: their state, their event handlers (the
        attendance figures, then the frames) and their core's refusals (as chat/apps.py does
        for the desk)."""
        from rooms.core.errors import RoomError
        from rooms.core.model import RoomState
        from rooms.errors import detail
        from rooms.figures import AttendanceFigures
        from rooms.publisher import RoomPublisher
        from rooms.runtime import ROOMS_APP
        from virtualcite.realtime.errors import register_refusals
        from virtualcite.realtime.runtime import AppSpec, register

        register(AppSpec(name=ROOMS_APP, state_factory=RoomState,
                         handlers=(AttendanceFigures, RoomPublisher)))
        register_refusals(RoomError, detail=detail)
