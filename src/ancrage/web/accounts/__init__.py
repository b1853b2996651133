"""Organisations, members, invitations and API tokens: the private workspaces."""
