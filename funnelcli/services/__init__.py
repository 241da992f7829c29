"""Use cases: one function per thing a user does. No Typer, no Rich: callable from any front end."""
