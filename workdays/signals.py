"""What the calendar tells the apps that count days with it (it imports none of them).

calendar_changed(calendar, days, actor, summary): sent inside the edit's transaction after the
day table was rebuilt; hazards adds the timeline note to its open hazards whose days left change
(hazards/ladder.py `note_calendar_change`)."""
from django.dispatch import Signal

calendar_changed = Signal()
