"""The shared realtime layer: what every live app (the desk, the rooms, the dashboard) uses.

It knows websockets, frames, stores, leases and events, and nothing of desks or rooms: an
app brings a pure core (a state dataclass and rules that return events), its frames, and the
handlers of its events, and registers them (`runtime.register`). See docs/architecture.md.
"""
