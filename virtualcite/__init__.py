"""The virtual Cité des métiers: the Django project and the Cité's directory."""
