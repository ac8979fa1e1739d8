"""Many rooms: one live show per room, each a named Ray actor that owns its show as a child process.

Imports downward only (stream/, script/); nothing below imports this package. Ray is imported only
by the modules that talk to the cluster, so `livehost run` never needs it.
"""
