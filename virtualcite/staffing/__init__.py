"""Putting counsellors where the queues are: the rota, the staffing advice (Erlang C) and the
alerts, beside the managers' live dashboard."""
