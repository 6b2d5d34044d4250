"""Conversation records live on as the figures' visit records (figures 0002 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("chat", "0001_initial"),
        ("figures", "0002_conversation_records_moved_here"),
    ]

    operations = [migrations.DeleteModel(name="ConversationRecord")]
