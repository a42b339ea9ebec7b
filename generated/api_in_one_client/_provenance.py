"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "39591a8d263df6d78c1717e4f0980b96e919707b5ccea3985997e66a07e481ee"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "919c60a0a760cbeff6e4207cb9abd8a38fd31d28e683141863d43aea6fec7c23"
