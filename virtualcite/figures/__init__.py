"""The Cité's anonymous figures: what happened at the desk and in the rooms, for the managers.

Written by handlers of the apps' events (chat/figures.py, rooms/figures.py) and by the minute
snapshots of one process (`minutes.py`); read by the reports and the dashboard. Never a token,
a handle, a pseudonym, any text, or a time finer than the hour for a single visit.
"""
