"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "b504387829dd7d07b81695bdf250572e85b4d118a3e9f9766d208d7987b8766b"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "919c60a0a760cbeff6e4207cb9abd8a38fd31d28e683141863d43aea6fec7c23"
