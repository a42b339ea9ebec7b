"""api_in_one: the hand-written SDK layer over the generated API in One client."""

__all__: list[str] = []
