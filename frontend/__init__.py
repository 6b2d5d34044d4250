"""Pages and static assets for visitors, counsellors and managers."""
