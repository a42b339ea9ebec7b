"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "fc1036f77fee8f4618f1ff8310a6407fba52abf4eab398ca80538855478f1ab3"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "930355a0f23e343da54f2da0245ff428a9533cfb0d6f7874c2d35abe2d0754c2"
