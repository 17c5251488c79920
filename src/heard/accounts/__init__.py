"""Accounts, roles and the access policy."""

from heard.accounts.policy import OPERATOR, Actor, Permission, Role, require

__all__ = ["OPERATOR", "Actor", "Permission", "Role", "require"]
