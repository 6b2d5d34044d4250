"""Websocket consumers: they decode a frame, call one service, and encode the answer."""
