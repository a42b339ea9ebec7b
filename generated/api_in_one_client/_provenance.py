"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "fc1036f77fee8f4618f1ff8310a6407fba52abf4eab398ca80538855478f1ab3"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "cb30058e63673b8cb8d4e7a1150039d1badad8cad8ff105bd99c77fb1c457018"
