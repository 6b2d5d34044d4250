"""The desk's rules: pure, synchronous Python with the clock passed in.

Nothing here imports Django, Channels, Redis or pydantic: state in, events out.
"""
