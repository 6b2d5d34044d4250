"""The rooms' rules as pure synchronous Python: seats, waiting list, hands, floor, hosting.

State in, events out, clock passed in; standard library only (a test checks), so the same
rules hold in one process or many, through the shared store (virtualcite/realtime/store/).
"""
