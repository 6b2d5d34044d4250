"""The plain Channels tutorial chat consumer, the baseline `bench.chat` measures the desk against.

As in the Channels tutorial: each socket joins its room's group, and every text frame it
receives is `group_send`-ed to that group (both ends, the sender included, get it back).
No validation, no sanitising, no rate limit: the framework's own cost and nothing else.
"""

from __future__ import annotations

import json

from channels.generic.websocket import AsyncWebsocketConsumer


class TutorialChatConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        self.room_group_name = "chat_" + self.scope["url_route"]["kwargs"]["room_name"]
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code: int) -> None:
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message = json.loads(text_data or "{}")["message"]
        await self.channel_layer.group_send(
            self.room_group_name, {"type": "chat.message", "message": message})

    async def chat_message(self, event: dict[str, str]) -> None:
        await self.send(text_data=json.dumps({"message": event["message"]}))
