"""Where an app's state lives: in this process, or in Redis shared by every process.

The ports: `StateStore` (one aggregate's state, changed atomically) and `StoreFamily` (one
store per aggregate), `ConnectionRegistry` (sockets per key), `LeaderLease` (work one process
alone does). Each has a memory adapter (the embedded default) and a Redis one; which one a
process gets is decided once, by `virtualcite.realtime.runtime` from `settings.REDIS`.
"""
